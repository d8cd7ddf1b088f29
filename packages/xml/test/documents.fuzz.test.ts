// Fuzz target: XML documents (issue 12, "Also"). Valid responses are mutated byte by byte and
// spliced with the pieces attacks and broken generators are made of. Whatever the document,
// checkResponse returns a verdict (never throws), every problem carries a known XML_* code, a
// message and a position inside the document, and a document it calls valid decodes and encodes
// back to a document that is valid too. Fixed seed; SIPHOOK_FUZZ_RUNS sets the count.
import { isErrorCode } from '@siphook/schema';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkResponse, decodeResponse, encodeResponse } from '../src/index.js';

const RUNS = Number(process.env.SIPHOOK_FUZZ_RUNS ?? 200);

const SEEDS = [
  '<?xml version="1.0" encoding="UTF-8"?>\n<Response onAnswer="https://h.example/a" onHangup="https://h.example/h"><Gather onData="https://h.example/d?x=1&amp;y=2" maxDigits="3" timeout="5000"><Play><Url>https://h.example/p.wav</Url></Play></Gather></Response>',
  '<Response><Dial callerId="+492111234567" anonymous="true"><Number>4915799912345</Number><Number>+4930123</Number></Dial></Response>',
  '<Response><Dial><Voicemail /></Dial></Response>',
  '<Response><Play><Url>http://h.example/x.wav</Url></Play><Reject reason="busy"/><Hangup/></Response>',
  '<?xml version="1.0" encoding="ISO-8859-1"?><Response/>',
];
const PIECES = [
  '<',
  '>',
  '&',
  '&amp;',
  '&#0;',
  '&#xFFFE;',
  ']]>',
  '<![CDATA[x]]>',
  '<!--x-->',
  '<!DOCTYPE r [<!ENTITY a "b">]>',
  '<?pi x?>',
  '\uFEFF',
  '\u0000',
  '\ud800',
  '"',
  "'",
  '=',
  ' xmlns="urn:x"',
  '<Gather onData="https://h/d">',
  '</Gather>',
  '<Play><Url>',
  '</Url></Play>',
  '<Number>',
  '</Number>',
  'maxDigits="0"',
  '\r\n',
];

const mutated = fc
  .tuple(
    fc.constantFrom(...SEEDS),
    fc.array(
      fc.tuple(
        fc.nat(),
        fc.oneof(fc.constantFrom(...PIECES), fc.string({ maxLength: 4 })),
        fc.nat({ max: 6 }),
      ),
      { maxLength: 6 },
    ),
  )
  .map(([seed, edits]) => {
    let text = seed;
    for (const [at, piece, cut] of edits) {
      const i = at % (text.length + 1);
      text = text.slice(0, i) + piece + text.slice(i + cut);
    }
    return text;
  });

describe('fuzz: XML documents', () => {
  it('checkResponse gives a verdict with located, known problems; valid documents round-trip', () => {
    fc.assert(
      fc.property(fc.oneof(mutated, fc.string({ maxLength: 200 })), (text) => {
        const result = checkResponse(text);
        if (result.valid) {
          const model = decodeResponse(text);
          expect(checkResponse(encodeResponse(model)).valid).toBe(true);
          return;
        }
        expect(result.problems.length).toBeGreaterThan(0);
        for (const problem of result.problems) {
          expect(isErrorCode(problem.code) && problem.code.startsWith('XML_')).toBe(true);
          expect(problem.message.length).toBeGreaterThan(0);
          expect(problem.line).toBeGreaterThanOrEqual(1);
          expect(problem.column).toBeGreaterThanOrEqual(1);
        }
      }),
      { seed: 12, numRuns: RUNS },
    );
  });

  it('reads the same verdict from the UTF-8 bytes as from the text', () => {
    fc.assert(
      fc.property(mutated, (text) => {
        expect(checkResponse(new TextEncoder().encode(text)).valid).toBe(checkResponse(text).valid);
      }),
      { seed: 13, numRuns: RUNS },
    );
  });
});

import { isHttpUrl, isSiphookError, parseResponse, type ResponseInput } from '@siphook/schema';
import fc from 'fast-check';
import { SaxesParser } from 'saxes';
import { describe, expect, it } from 'vitest';
import { checkResponse, decodeResponse } from './decode-response.js';
import { encodeResponse } from './encode-response.js';
import { escapeXml, isXmlText } from './escape-xml.js';

// Characters that break naive XML writers, plus non-ASCII and astral ones.
const tricky = fc.constantFrom(
  ...'&<>"\'/?=#;%:@[]',
  '&amp;',
  '&#38;',
  ']]>',
  '<!--',
  'ü',
  'ß',
  '€',
  '日本',
  '🎵',
  '\u00a0',
  '\u200b',
);
const pathPart = fc.oneof(
  fc.string({ unit: tricky, maxLength: 12 }),
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 8 }),
);
const base = fc.constantFrom(
  'http://example.com/',
  'https://localhost:3000/a?x=',
  'http://127.0.0.1:8080/#',
  'https://user:pw@example.org/',
);
/** Any string after a valid base: often not a valid URL (spaces, controls) or not XML text. */
const anyUrl = fc.tuple(base, pathPart).map(([a, b]) => a + b);
const validUrl = anyUrl.filter(isHttpUrl);
const digits = fc.stringMatching(/^[0-9]{1,15}$/);

function modelOf(
  url: fc.Arbitrary<string>,
  number: fc.Arbitrary<string>,
): fc.Arbitrary<ResponseInput> {
  const play = url.map((u) => ({ action: 'Play' as const, url: u }));
  const action = fc.oneof(
    play,
    fc.record(
      {
        action: fc.constant('Gather' as const),
        onData: url,
        maxDigits: fc.integer({ min: 1, max: 2 ** 40 }),
        timeout: fc.integer({ min: 1, max: 600000 }),
        play,
      },
      { requiredKeys: ['action', 'onData'] },
    ),
    fc.record(
      {
        action: fc.constant('Dial' as const),
        callerId: number,
        anonymous: fc.boolean(),
        target: fc.oneof(
          fc.record({ numbers: fc.array(number, { minLength: 1, maxLength: 5 }) }),
          fc.constant({ voicemail: true as const }),
        ),
      },
      { requiredKeys: ['action', 'target'] },
    ),
    fc.record(
      {
        action: fc.constant('Reject' as const),
        reason: fc.constantFrom('busy' as const, 'rejected' as const),
      },
      { requiredKeys: ['action'] },
    ),
    fc.constant({ action: 'Hangup' as const }),
  );
  return fc.record(
    { onAnswer: url, onHangup: url, actions: fc.array(action, { maxLength: 6 }) },
    { requiredKeys: ['actions'] },
  );
}

describe('round trip', () => {
  it('decodeResponse(encodeResponse(m)) equals parseResponse(m) for valid models', () => {
    fc.assert(
      fc.property(modelOf(validUrl, digits), fc.boolean(), (model, pretty) => {
        const xml = encodeResponse(model, { pretty });
        expect(decodeResponse(xml)).toEqual(parseResponse(model));
      }),
      { numRuns: 800 },
    );
  });

  it('output is always well-formed, or the model is refused: random strings in every URL and attribute', () => {
    let written = 0;
    fc.assert(
      fc.property(modelOf(anyUrl, fc.oneof(digits, fc.string({ unit: tricky }))), (model) => {
        let xml: string;
        try {
          xml = encodeResponse(model);
        } catch (error) {
          expect(isSiphookError(error, 'RESPONSE_INVALID'), String(error)).toBe(true);
          return;
        }
        written++;
        expect(decodeResponse(xml)).toEqual(parseResponse(model));
      }),
      { numRuns: 800 },
    );
    expect(written).toBeGreaterThan(100);
  });
});

describe('escapeXml', () => {
  it('round-trips any XML text through a conforming parser, in attributes and in text', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: tricky }),
          fc.string({ unit: 'binary' }),
          fc.string({ unit: fc.constantFrom('\t', '\n', '\r', '\r\n', ' ', 'a') }),
        ),
        (value) => {
          fc.pre(isXmlText(value));
          const escaped = escapeXml(value);
          const parser = new SaxesParser();
          let attribute: string | undefined;
          let text = '';
          parser.on('opentag', (tag) => {
            attribute = tag.attributes.a as string;
          });
          parser.on('text', (chunk) => {
            text += chunk;
          });
          parser.write(`<x a="${escaped}" b='${escaped}'>${escaped}</x>`).close();
          expect(attribute).toBe(value);
          expect(text).toBe(value);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('returns clean strings unchanged and escapes the five specials', () => {
    const clean = 'https://example.com/grüße/🎵.wav';
    expect(escapeXml(clean)).toBe(clean);
    expect(escapeXml(`a&b<c>d"e'f`)).toBe('a&amp;b&lt;c&gt;d&quot;e&apos;f');
    expect(escapeXml('a\tb\nc\rd')).toBe('a&#9;b&#10;c&#13;d');
  });

  it('refuses characters XML 1.0 cannot carry, naming them', () => {
    for (const [value, hex] of [
      ['a\u0000', '0000'],
      ['\u0008', '0008'],
      ['\u000b', '000B'],
      ['\u001f', '001F'],
      ['\ufffe', 'FFFE'],
      ['\uffff', 'FFFF'],
      ['x\ud800y', 'D800'],
      ['\udc00', 'DC00'],
    ] as const) {
      expect(isXmlText(value)).toBe(false);
      expect(() => escapeXml(value)).toThrow(
        expect.objectContaining({
          code: 'XML_CHARACTER',
          message: expect.stringContaining(`U+${hex}`),
        }),
      );
    }
    expect(isXmlText('\ud83c\udfb5\t\n\r')).toBe(true);
  });

  /** Parses `<x a="…">…</x>` and returns the attribute and the text as a parser reads them. */
  function readBack(
    attributeValue: string,
    textValue: string,
  ): { attribute: string; text: string } {
    const parser = new SaxesParser();
    let attribute = '';
    let text = '';
    parser.on('opentag', (tag) => {
      attribute = tag.attributes.a as string;
    });
    parser.on('text', (chunk) => {
      text += chunk;
    });
    parser.write(`<x a="${attributeValue}">${textValue}</x>`).close();
    return { attribute, text };
  }

  it('with invalid: "replace", writes any string as U+FFFD where XML cannot carry it', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: tricky }), (a, b) => {
        const value = a + b;
        const expected = Array.from(value, (char) => (isXmlText(char) ? char : '\ufffd')).join('');
        const attribute = escapeXml(value, { invalid: 'replace' });
        const text = escapeXml(value, { invalid: 'replace', context: 'text' });
        expect(readBack(attribute, text)).toEqual({ attribute: expected, text: expected });
      }),
      { numRuns: 2000 },
    );
    expect(escapeXml('a\u0000b\u001bc\ud800d\uffff', { invalid: 'replace' })).toBe(
      'a\ufffdb\ufffdc\ufffdd\ufffd',
    );
  });

  it('with context: "text", keeps tab and LF readable and still writes CR as a reference', () => {
    expect(escapeXml('a\tb\nc\rd<e>', { context: 'text' })).toBe('a\tb\nc&#13;d&lt;e&gt;');
    expect(() => escapeXml('a\u0000', { context: 'text' })).toThrow(
      expect.objectContaining({ code: 'XML_CHARACTER' }),
    );
  });
});

describe('checkResponse on arbitrary input', () => {
  const token = fc.constantFrom(
    '<Response>',
    '</Response>',
    '<Response/>',
    '<Play>',
    '</Play>',
    '<Url>',
    '</Url>',
    '<Gather onData="http://a.example/">',
    '</Gather>',
    '<Dial>',
    '</Dial>',
    '<Number>',
    '</Number>',
    '<Voicemail/>',
    '<Hangup/>',
    '<Reject reason="busy"/>',
    '<Say>',
    '</Say>',
    '<?xml version="1.0"?>',
    '<!-- c -->',
    '<![CDATA[x]]>',
    '&amp;',
    '&',
    '<',
    '>',
    '"',
    "'",
    ' ',
    '\n',
    '\r\n',
    'http://a.example/x',
    '4915799912345',
    'ü',
    '🎵',
    '\ufeff',
    '\u0000',
    '<!DOCTYPE r>',
    '=',
  );
  it('never throws, and locates every problem inside the document', () => {
    fc.assert(
      fc.property(
        fc.array(token, { maxLength: 30 }).map((parts) => parts.join('')),
        (xml) => {
          const result = checkResponse(xml);
          if (result.valid) {
            expect(encodeResponse(result.response)).toMatch(/^<\?xml/);
            return;
          }
          const lines = xml.split(/\r\n|\r|\n/).length;
          expect(result.problems.length).toBeGreaterThan(0);
          for (const problem of result.problems) {
            expect(problem.line).toBeGreaterThanOrEqual(1);
            expect(problem.line).toBeLessThanOrEqual(lines);
            expect(problem.column).toBeGreaterThanOrEqual(1);
            expect(problem.message.length).toBeGreaterThan(10);
            expect(problem.path.startsWith('/')).toBe(true);
          }
        },
      ),
      { numRuns: 3000 },
    );
  });
});

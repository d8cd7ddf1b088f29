import { isHttpUrl, ResponseSchema } from '@siphook/schema';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isCertainlyHttpUrl, parseResponseFast } from './parse-response-fast.js';
import { writeResponse } from './write-response.js';
import { writeResponseFast } from './write-response-fast.js';

// The fast pre-check may say "not sure" (undefined) as often as it likes, but whenever it says
// "valid" the schema must agree and return the very same value.

const hostChar = fc.constantFrom(...'abcxyz0189-.', 'xn--', 'XN--', '..', '0x');
const host = fc.oneof(
  fc.string({ unit: hostChar, minLength: 1, maxLength: 12 }),
  fc.constantFrom(
    'example.com',
    'localhost',
    '127.0.0.1',
    '256.1.1.1',
    '1.2.3',
    'a.b.c.1',
    'xn--bcher-kva.example',
    'xn--zz.example',
    '-a-.b',
  ),
);
const port = fc.oneof(
  fc.constant(''),
  fc.nat({ max: 99999 }).map((n) => `:${n}`),
  fc.constantFrom(':', ':00080', ':65535', ':65536'),
);
const tail = fc.string({
  unit: fc.constantFrom(
    ...'/?#&=%;<>"\' \t\u00a0ü🎵\\[]@:a1',
    '\u0000',
    '\u2028',
    '\ufeff',
    '\uffff',
  ),
  maxLength: 12,
});
const scheme = fc.constantFrom(
  'http://',
  'https://',
  'HTTPS://',
  'ftp://',
  'http:/',
  'http://user:pw@',
);
const urlLike = fc.tuple(scheme, host, port, tail).map((parts) => parts.join(''));

describe('isCertainlyHttpUrl', () => {
  it('only says yes when the schema says yes', () => {
    fc.assert(
      fc.property(urlLike, (url) => {
        if (isCertainlyHttpUrl(url)) expect(isHttpUrl(url), url).toBe(true);
      }),
      { numRuns: 5000 },
    );
  });

  it('says yes for the usual callback and prompt URLs', () => {
    for (const url of [
      'https://example.com/prompts/welcome.wav',
      'http://localhost:3000/dtmf?call=1&x="y"',
      'http://127.0.0.1:8080/',
      'https://a-b.example.org:443/x#frag',
    ]) {
      expect(isCertainlyHttpUrl(url), url).toBe(true);
    }
  });
});

// Mostly valid values with the odd wrong one, so that whole responses pass often enough.
const rarely = <T>(usual: fc.Arbitrary<T>, odd: fc.Arbitrary<unknown>) =>
  fc.oneof({ weight: 6, arbitrary: usual }, { weight: 1, arbitrary: odd });
const number = rarely(
  fc.stringMatching(/^[0-9]{1,15}$/),
  fc.constantFrom('', '+49', '1234567890123456', 'anonymous', 49),
);
const url = rarely(
  fc.constantFrom(
    'https://example.com/a.wav',
    'http://localhost:3000/x?a=1&b=2',
    'http://127.0.0.1/',
  ),
  urlLike,
);
const count = rarely(
  fc.integer({ min: 1, max: 100000 }),
  fc.constantFrom(
    0,
    -1,
    1.5,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    2 ** 53,
    2 ** 53 - 1,
    '3',
    null,
  ),
);
const extra = fc.oneof(
  { weight: 12, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.constantFrom({ extra: 1 }, { extra: undefined }) },
);
const withExtra = <T extends object>(arbitrary: fc.Arbitrary<T>) =>
  fc
    .tuple(arbitrary, extra)
    .map(([value, more]) => (more === undefined ? value : { ...value, ...more }));
const play = withExtra(
  fc.record({ action: fc.constantFrom('Play', 'play'), url }, { requiredKeys: ['action'] }),
);
const action = fc.oneof(
  play,
  withExtra(
    fc.record(
      {
        action: fc.constant('Gather'),
        type: rarely(fc.constant('dtmf'), fc.constantFrom('voice', 'DTMF')),
        onData: url,
        maxDigits: count,
        timeout: count,
        play,
      },
      { requiredKeys: ['action'] },
    ),
  ),
  withExtra(
    fc.record(
      {
        action: fc.constant('Dial'),
        callerId: fc.option(number, { nil: undefined }),
        anonymous: fc.constantFrom(true, false, 'true', undefined),
        target: fc.oneof(
          fc.record({ numbers: fc.array(number, { maxLength: 7 }) }),
          fc.record({
            numbers: fc.array(fc.stringMatching(/^[0-9]{1,15}$/), { minLength: 4, maxLength: 7 }),
          }),
          fc.constantFrom(
            { voicemail: true },
            { voicemail: false },
            { numbers: ['1'], voicemail: true },
            {},
          ),
        ),
      },
      { requiredKeys: ['action'] },
    ),
  ),
  withExtra(
    fc.record(
      {
        action: fc.constant('Reject'),
        reason: fc.constantFrom('busy', 'rejected', 'no', undefined),
      },
      { requiredKeys: ['action'] },
    ),
  ),
  withExtra(fc.constant({ action: 'Hangup' })),
  fc.constantFrom(null, 'Hangup', [], Object.create({ action: 'Hangup' })),
);
const response = withExtra(
  fc.record(
    { onAnswer: url, onHangup: url, actions: fc.array(action, { maxLength: 4 }) },
    { requiredKeys: [] },
  ),
);

describe('parseResponseFast', () => {
  it('never accepts what ResponseSchema refuses, and returns what it returns', () => {
    let accepted = 0;
    fc.assert(
      fc.property(rarely(response, fc.anything()), (input) => {
        const fast = parseResponseFast(input);
        if (fast === undefined) return;
        accepted++;
        const slow = ResponseSchema.safeParse(input);
        expect(slow.success, JSON.stringify(input)).toBe(true);
        expect(fast).toStrictEqual(slow.data);
        expect(JSON.stringify(fast)).toBe(JSON.stringify(slow.data)); // same key order
      }),
      { numRuns: 10000 },
    );
    expect(accepted).toBeGreaterThan(500); // the property is not vacuous
  });

  it('answers the common case itself', () => {
    const input = {
      onHangup: 'https://example.com/hangup',
      actions: [
        {
          action: 'Gather',
          onData: 'https://example.com/dtmf',
          maxDigits: 3,
          play: { action: 'Play', url: 'https://example.com/a.wav' },
        },
        {
          action: 'Dial',
          callerId: '492111234567',
          anonymous: true,
          target: { numbers: ['4915799912345'] },
        },
        { action: 'Dial', target: { voicemail: true } },
        { action: 'Reject', reason: 'busy' },
        { action: 'Hangup' },
      ],
    };
    expect(parseResponseFast(input)).toEqual(ResponseSchema.parse(input));
  });
});

describe('writeResponseFast', () => {
  it('writes only what ResponseSchema accepts, exactly as writeResponse writes the parsed model', () => {
    let written = 0;
    fc.assert(
      fc.property(rarely(response, fc.anything()), (input) => {
        let fast: string | undefined;
        try {
          fast = writeResponseFast(input);
        } catch (error) {
          expect(error).toMatchObject({ code: 'XML_CHARACTER' });
          return;
        }
        if (fast === undefined) return;
        written++;
        const slow = ResponseSchema.safeParse(input);
        expect(slow.success, JSON.stringify(input)).toBe(true);
        expect(fast).toBe(writeResponse(slow.data!));
      }),
      { numRuns: 10000 },
    );
    expect(written).toBeGreaterThan(500);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { EVENT_NAMES, EVENT_SCHEMAS } from './events.js';
import { checkFieldsOf, checkOf } from './field-checks.js';

// The case table: values that sit on and around every rule of the event schemas. The checks read
// off the schemas must say yes exactly where the schemas themselves do.
const interesting = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    '0',
    '123',
    '+49',
    '4915791234567',
    '1234567890123456',
    'anonymous',
    'Anonymous',
    '1452406e0',
    '1452406E0',
    'in',
    'out',
    'IN',
  ),
  fc.constantFrom(
    'normalClearing',
    'forwarded',
    'someFutureCause',
    '1abc',
    '*#',
    'A',
    'x y',
    '12\n',
    'a\u007fb',
    'x'.repeat(128),
    'x'.repeat(129),
    '1'.repeat(1024),
    '1'.repeat(1025),
    'c'.repeat(256),
    'c'.repeat(257),
  ),
  fc.string({ maxLength: 6 }),
  fc.array(fc.string({ maxLength: 3 }), { maxLength: 2 }),
  fc.array(fc.constant('u'), { minLength: 99, maxLength: 101 }),
  fc.constant(undefined),
  fc.constant(null),
  fc.integer(),
);

/** A value each field accepts, so that whole candidates pass often enough to test the yes. */
const GOOD: Record<string, unknown> = {
  callId: '123456',
  direction: 'in',
  from: '4921',
  to: 'anonymous',
  user: ['Alice'],
  userId: [],
  fullUserId: ['1234567w0'],
  cause: 'busy',
  dtmf: '1#',
};
const valueFor = (key: string) =>
  fc.oneof(
    { weight: 2, arbitrary: fc.constant(GOOD[key] ?? 'x') },
    { weight: 1, arbitrary: interesting },
  );

describe('checkFieldsOf', () => {
  for (const name of EVENT_NAMES) {
    it(`agrees with zod on ${name} candidates`, () => {
      const { extra: _extra, warnings: _warnings, ...shape } = EVENT_SCHEMAS[name].shape;
      const schema = z.object(shape);
      const accepts = checkFieldsOf(shape);
      const candidate = fc.record(
        Object.fromEntries(Object.keys(shape).map((key) => [key, valueFor(key)])),
        { requiredKeys: [] },
      );
      let yes = 0;
      fc.assert(
        fc.property(candidate, fc.boolean(), (fields, named) => {
          const value = named ? { ...fields, event: name } : fields;
          const verdict = schema.safeParse(value).success;
          expect(accepts(value), JSON.stringify(value)).toBe(verdict);
          if (verdict) yes++;
        }),
        { numRuns: 3000 },
      );
      expect(yes).toBeGreaterThan(0); // the property is not vacuous
    });
  }
});

describe('checkOf', () => {
  it('falls back to zod for constructs it does not read', () => {
    const when = checkOf(z.string().email());
    expect(when('a@example.com')).toBe(true);
    expect(when('nope')).toBe(false);
    const count = checkOf(z.number().int());
    expect(count(2)).toBe(true);
    expect(count(2.5)).toBe(false);
  });
});

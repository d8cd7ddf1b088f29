import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { compileObjectCheck } from './compile-check.js';
import { EVENT_NAMES, EVENT_SCHEMAS } from './events.js';

// Values that sit on and around every rule of the event schemas.
const interesting = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    '0',
    '123',
    '+49',
    '4915791234567',
    'anonymous',
    'Anonymous',
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
  ),
  fc.string({ maxLength: 6 }),
  fc.array(fc.string({ maxLength: 3 }), { maxLength: 2 }),
  fc.constant(undefined),
  fc.integer(),
);

describe('compileObjectCheck', () => {
  for (const name of EVENT_NAMES) {
    it(`agrees with zod on ${name} candidates`, () => {
      const { extra: _extra, ...shape } = EVENT_SCHEMAS[name].shape;
      const schema = z.object(shape);
      const accepts = compileObjectCheck(shape as Record<string, z.ZodType>);
      const keys = Object.keys(shape).filter((key) => key !== 'event');
      const candidate = fc.record(Object.fromEntries(keys.map((key) => [key, interesting])), {
        requiredKeys: [],
      });
      fc.assert(
        fc.property(candidate, (fields) => {
          const value = { event: name, ...fields };
          expect(accepts(value)).toBe(schema.safeParse(value).success);
        }),
        { numRuns: 2000 },
      );
    });
  }

  it('falls back to zod for constructs it does not compile', () => {
    const accepts = compileObjectCheck({ when: z.string().max(3), count: z.number().int() });
    expect(accepts({ when: 'abc', count: 2 })).toBe(true);
    expect(accepts({ when: 'abcd', count: 2 })).toBe(false);
    expect(accepts({ when: 'abc', count: 2.5 })).toBe(false);
    expect(accepts({ count: 2 })).toBe(false);
  });
});

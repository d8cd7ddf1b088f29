import { z } from 'zod';

const E164 = /^\+?[0-9]{1,15}$/;
const PLUS = 0x2b;

/** Where callers of {@link isE164} differ. */
export interface E164Options {
  /**
   * `false` refuses the leading `+`: pushes carry numbers without it (NOTES), so a pattern that is
   * compared with a push's `from` or `to` must not have one. Default `true` (optional `+`).
   */
  plus?: boolean;
}

/**
 * The E.164 rule of siphook: 1 to 15 digits, optionally after a `+` (sipgate.io's own examples
 * send `+49…` in `<Number>` and `callerId`; the contract's examples leave it out).
 *
 * @example
 * isE164('+4915799912345') // true
 * isE164('+4915799912345', { plus: false }) // false
 */
export function isE164(value: unknown, options: E164Options = {}): boolean {
  return (
    typeof value === 'string' &&
    E164.test(value) &&
    (options.plus !== false || value.charCodeAt(0) !== PLUS)
  );
}

const E164_EXPECTED = 'an E.164 number: 1 to 15 digits, optionally after "+"';

/** An E.164 number for `<Number>` and `callerId`, written as given ({@link isE164}). */
export const E164Schema = z
  .string({ error: E164_EXPECTED })
  .refine((value) => isE164(value), { error: E164_EXPECTED });

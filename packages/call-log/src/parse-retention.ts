import { describeReceived, SiphookError } from '@siphook/schema';

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const RETENTION = /^(\d{1,6})(s|m|h|d)$/;

/**
 * Reads a retention such as `30d`, `12h`, `90m` or `45s` into ms; `0` keeps calls for ever.
 *
 * @throws {SiphookError} `OPTIONS_INVALID` naming `field` for anything else.
 * @example
 * parseRetention('30d') // 2592000000
 */
export function parseRetention(text: string, field = '--call-log-retention'): number {
  const trimmed = text.trim();
  if (trimmed === '0') return 0;
  const match = RETENTION.exec(trimmed);
  if (match === null) {
    throw new SiphookError(
      'OPTIONS_INVALID',
      `${field}: expected a duration such as 30d, 12h, 90m or 45s (0 keeps every call); received ${describeReceived(text)}`,
      { path: field },
    );
  }
  return Number(match[1]) * UNITS[match[2]!]!;
}

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  ERROR_CODES,
  type ErrorCode,
  exitCodeOf,
  httpStatusOf,
  isErrorCode,
} from './error-codes.js';
import { SiphookError } from './siphook-error.js';

const docs = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');

describe('ERROR_CODES', () => {
  it('is listed whole in docs/errors.md, with the same status and exit code', () => {
    const missing: string[] = [];
    for (const [code, info] of Object.entries(ERROR_CODES)) {
      const row = new RegExp(`^\\| \`${code}\` \\| ([0-9]{3}|) \\| ([12]) \\|`, 'm').exec(docs);
      if (row === null) {
        missing.push(code);
        continue;
      }
      expect(row[1], `${code}: status in docs/errors.md`).toBe(
        'status' in info ? String(info.status) : '',
      );
      expect(row[2], `${code}: exit code in docs/errors.md`).toBe(String(info.exit));
    }
    expect(missing, 'codes missing from docs/errors.md').toEqual([]);
  });

  it('lists in docs/errors.md no code that does not exist', () => {
    const listed = [...docs.matchAll(/^\| `([A-Z0-9_]+)` \|/gm)].map((match) => match[1]);
    expect(listed.filter((code) => !isErrorCode(code))).toEqual([]);
  });

  it('maps codes to statuses and exit codes', () => {
    expect(httpStatusOf('SIGNATURE_INVALID')).toBe(401);
    expect(httpStatusOf('WAV_SAMPLE_RATE')).toBe(500);
    expect(exitCodeOf('WAV_SAMPLE_RATE')).toBe(1);
    expect(exitCodeOf('OPTIONS_INVALID')).toBe(2);
    expect(isErrorCode('toString')).toBe(false);
  });

  it('makes an unknown code a compile error', () => {
    // @ts-expect-error: 'NOT_A_CODE' is not an ErrorCode.
    const error = new SiphookError('NOT_A_CODE', 'x');
    expect(isErrorCode(error.code)).toBe(false);
    const known: ErrorCode = 'EVENT_UNKNOWN';
    expect(isErrorCode(known)).toBe(true);
  });
});

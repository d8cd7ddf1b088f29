import type { ErrorCode } from './error-codes.js';

/** One problem found while checking input: where, what was expected and what arrived. */
export interface Issue {
  /** Stable machine-readable code, e.g. `FIELD_REQUIRED` or `FIELD_INVALID`. */
  code: ErrorCode;
  /** Where the problem is: a wire field (`callId`, `user[]`) or a model path (`actions[0].url`). */
  path: string;
  /** What the check wanted, in words: `digits 0-9, or "anonymous"`. */
  expected: string;
  /** What arrived, JSON-quoted and truncated to about 80 characters; `nothing` when absent. */
  received: string;
  /** The whole sentence: `from: expected digits 0-9, or "anonymous"; received "+49 211"`. */
  message: string;
}

/** Structured data attached to a {@link SiphookError}. */
export interface SiphookErrorDetails {
  issues?: Issue[];
  [key: string]: unknown;
}

/**
 * The one error class of siphook. `code` is stable and meant for programs (an HTTP edge maps it to
 * a status, the CLI to an exit code); `message` is for people; `details` holds structured data.
 *
 * @example
 * try { decodeEvent('event=ring') } catch (e) { if (e instanceof SiphookError) e.code } // 'EVENT_UNKNOWN'
 */
export class SiphookError extends Error {
  override readonly name = 'SiphookError';
  readonly code: ErrorCode;
  readonly details: SiphookErrorDetails;

  constructor(
    code: ErrorCode,
    message: string,
    details: SiphookErrorDetails = {},
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.code = code;
    this.details = details;
  }

  /** The issues carried in `details`, or an empty list. */
  get issues(): Issue[] {
    return this.details.issues ?? [];
  }

  /** Plain-object form for JSON logs and HTTP bodies. */
  toJSON(): { name: string; code: ErrorCode; message: string; details: SiphookErrorDetails } {
    return { name: this.name, code: this.code, message: this.message, details: this.details };
  }
}

/** True when `error` is a {@link SiphookError}, optionally with the given code. */
export function isSiphookError(error: unknown, code?: ErrorCode): error is SiphookError {
  return error instanceof SiphookError && (code === undefined || error.code === code);
}

const MAX_RECEIVED = 80;

function shortenStrings(_key: string, value: unknown): unknown {
  return typeof value === 'string' && value.length > MAX_RECEIVED
    ? value.slice(0, MAX_RECEIVED)
    : value;
}

/**
 * Describes a received value for an error message: JSON-quoted, truncated to about 80 characters,
 * and `nothing` for `undefined`.
 */
export function describeReceived(value: unknown): string {
  if (value === undefined) return 'nothing';
  let text: string;
  try {
    // Strings are cut before quoting: a 60 KB value is not copied whole to show 80 characters of
    // it, and the message holds no slice of it.
    text = JSON.stringify(value, shortenStrings) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > MAX_RECEIVED ? `${text.slice(0, MAX_RECEIVED - 1)}…` : text;
}

/** Builds an {@link Issue} with its message from the parts. */
export function createIssue(
  code: ErrorCode,
  path: string,
  expected: string,
  value: unknown,
): Issue {
  const received = describeReceived(value);
  return {
    code,
    path,
    expected,
    received,
    message: `${path}: expected ${expected}; received ${received}`,
  };
}

/** Joins issues into one message: the first few, then a count of the rest. */
export function summarizeIssues(headline: string, issues: readonly Issue[]): string {
  const shown = issues.slice(0, 5).map((issue) => `  - ${issue.message}`);
  if (issues.length > shown.length) shown.push(`  - and ${issues.length - shown.length} more`);
  return [headline, ...shown].join('\n');
}

/** The one JSON shape in which every siphook server answers an error. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; issues?: Issue[] };
}

/**
 * The JSON body for an error answer: `{"error":{"code","message","issues"?}}`, the same from the
 * webhook, the audio host and every other siphook server.
 *
 * @example
 * errorBody(new SiphookError('BODY_TOO_LARGE', 'body: expected at most 65536 bytes; received more'))
 */
export function errorBody(
  error: Pick<SiphookError, 'code' | 'message'> & { issues?: readonly Issue[] },
): string {
  const issues = error.issues;
  const body: ErrorBody = { error: { code: error.code, message: error.message } };
  if (issues !== undefined && issues.length > 0) body.error.issues = [...issues];
  return JSON.stringify(body);
}

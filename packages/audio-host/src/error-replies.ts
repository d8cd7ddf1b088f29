import { type ErrorCode, errorBody, httpStatusOf } from '@siphook/schema/errors';
import type { Reply } from './decide-reply.js';

/**
 * An error answer in the one JSON shape of every siphook server (`errorBody` of
 * `@siphook/schema`): `{"error":{"code","message"}}` with the code's status from `ERROR_CODES`,
 * never cached, never sniffed. Messages carry no detail about the file system: file paths and
 * reasons go to the log only.
 */
export function errorReply(
  code: ErrorCode,
  message: string,
  extra: Record<string, string> = {},
): Reply {
  const body = Buffer.from(errorBody({ code, message }), 'utf8');
  return {
    status: httpStatusOf(code),
    headers: {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': String(body.length),
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      ...extra,
    },
    body,
    file: null,
  };
}

/** Bytes of request body the host reads and drops; a GET for a prompt needs none. */
export const MAX_REQUEST_BODY_BYTES = 8192;

/** 405: the host serves files, nothing else. */
export const METHOD_NOT_ALLOWED: Reply = errorReply(
  'METHOD_NOT_ALLOWED',
  'method: expected GET or HEAD (the audio host only serves prompts)',
  { Allow: 'GET, HEAD' },
);

/** 400: a request target the traversal checks refuse; `reason` says what they found. */
export function pathRefused(reason: string): Reply {
  return errorReply(
    'AUDIO_PATH_INVALID',
    `request path: expected a plain path to a prompt; the ${reason}`,
  );
}

/** 404: nothing is served under the name (or the request is outside `basePath`). */
export const NOT_FOUND: Reply = errorReply(
  'AUDIO_PROMPT_UNKNOWN',
  'request path: expected the name of a served prompt; nothing is served under this name',
);

/** 401: Basic credentials missing or wrong. */
export const UNAUTHORIZED: Reply = errorReply(
  'BASIC_AUTH_INVALID',
  'Authorization: expected the Basic credentials of this audio host',
  { 'WWW-Authenticate': 'Basic realm="siphook audio", charset="UTF-8"' },
);

/** 403 for each way a signed URL can fail. */
export const SIGNATURE_REFUSED = {
  missing: errorReply(
    'AUDIO_SIGNATURE_INVALID',
    'query: expected exp and sig (this host only serves signed URLs); received neither',
  ),
  malformed: errorReply(
    'AUDIO_SIGNATURE_INVALID',
    'query: expected one exp (unix seconds) and one sig (43 base64url characters); received a malformed signature',
  ),
  invalid: errorReply(
    'AUDIO_SIGNATURE_INVALID',
    'sig: expected the signature of this name and exp; it does not verify',
  ),
  expired: errorReply(
    'AUDIO_SIGNATURE_EXPIRED',
    'exp: expected a time in the future; the signed URL expired',
  ),
} as const;

/** 412: If-Match or If-Unmodified-Since does not hold for the current version. */
export const PRECONDITION_FAILED: Reply = errorReply(
  'PRECONDITION_FAILED',
  'If-Match / If-Unmodified-Since: expected to hold for the current version of the prompt; it does not',
);

/** 416 for a well-formed range that selects nothing in a prompt of `size` bytes. */
export function rangeNotSatisfiable(size: number): Reply {
  return errorReply(
    'RANGE_NOT_SATISFIABLE',
    `Range: expected a range within the ${size} bytes of the prompt; received one that selects nothing`,
    { 'Content-Range': `bytes */${size}`, 'Accept-Ranges': 'bytes' },
  );
}

/** 413: a request body over {@link MAX_REQUEST_BODY_BYTES}; the connection is closed after it. */
export const BODY_TOO_LARGE: Reply = errorReply(
  'BODY_TOO_LARGE',
  `body: expected at most ${MAX_REQUEST_BODY_BYTES} bytes (the audio host reads no request body); received more`,
);

/** 503: a streamed prompt's file is no longer the one checked at ingest; a rescan is on its way. */
export const FILE_CHANGED: Reply = errorReply(
  'AUDIO_FILE_CHANGED',
  'prompt file: expected the file checked at ingest; it changed or is gone (retry after the rescan)',
  { 'Retry-After': '1' },
);

/** 500: a bug in the host; the log has the cause. */
export const INTERNAL_ERROR: Reply = errorReply(
  'INTERNAL_ERROR',
  'the audio host failed unexpectedly; see the server log',
);

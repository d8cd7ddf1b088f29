import type { Issue } from '@siphook/schema';

/** What the handler answers, in a form every adapter writes without further work. */
export interface PushReply {
  /** HTTP status. */
  readonly status: number;
  /** `OK`, or the error code also found in the JSON body: `SIGNATURE_INVALID`, `EVENT_INVALID`, … */
  readonly code: string;
  /** The body text: XML for 200, JSON for errors. */
  readonly body: string;
  /** Headers as a flat name/value list (`Content-Type`, `Content-Length`, …), as node:http takes them. */
  readonly headers: readonly string[];
}

/** The Content-Type of every XML answer. */
export const XML_CONTENT_TYPE = 'application/xml; charset=utf-8';
const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/** A 200 with the response XML. */
export function xmlReply(xml: string): PushReply {
  return {
    status: 200,
    code: 'OK',
    body: xml,
    headers: ['Content-Type', XML_CONTENT_TYPE, 'Content-Length', String(Buffer.byteLength(xml))],
  };
}

/** An error answer: `{"error":{"code","message","issues"?}}` with the given status. */
export function errorReply(
  status: number,
  code: string,
  message: string,
  extraHeaders: readonly string[] = [],
  issues?: readonly Issue[],
): PushReply {
  const body = JSON.stringify({ error: issues ? { code, message, issues } : { code, message } });
  return {
    status,
    code,
    body,
    headers: [
      'Content-Type',
      JSON_CONTENT_TYPE,
      'Content-Length',
      String(Buffer.byteLength(body)),
      ...extraHeaders,
    ],
  };
}

/** 405: only POST is a push. */
export const METHOD_NOT_ALLOWED: PushReply = errorReply(
  405,
  'METHOD_NOT_ALLOWED',
  'method: expected POST (sipgate.io pushes are POST requests)',
  ['Allow', 'POST'],
);

/** 413 for a body over the limit; the limit is part of the message. */
export function bodyTooLarge(maxBodyBytes: number): PushReply {
  return errorReply(
    413,
    'BODY_TOO_LARGE',
    `body: expected at most ${maxBodyBytes} bytes; received more`,
  );
}

/** 415: the body is not a form. */
export const UNSUPPORTED_MEDIA_TYPE: PushReply = errorReply(
  415,
  'CONTENT_TYPE_UNSUPPORTED',
  'Content-Type: expected application/x-www-form-urlencoded (as sipgate.io sends)',
);

/** 403: the source address is not on the allow-list. */
export const ADDRESS_NOT_ALLOWED: PushReply = errorReply(
  403,
  'ADDRESS_NOT_ALLOWED',
  'source address: expected an address on the allow-list',
);

/** 401: Basic auth missing or wrong. */
export const BASIC_AUTH_REQUIRED: PushReply = errorReply(
  401,
  'BASIC_AUTH_INVALID',
  'Authorization: expected HTTP Basic credentials of this webhook',
  ['WWW-Authenticate', 'Basic realm="siphook"'],
);

/** 401: no `X-Sipgate-Signature`. */
export const SIGNATURE_MISSING: PushReply = errorReply(
  401,
  'SIGNATURE_MISSING',
  'X-Sipgate-Signature: expected an RSA-SHA256 signature of the body (base64); received nothing',
);

/** 401: a signature no configured key verifies. */
export const SIGNATURE_INVALID: PushReply = errorReply(
  401,
  'SIGNATURE_INVALID',
  'X-Sipgate-Signature: expected a signature of this exact body by a configured key; it does not verify',
);

/** 400: the body ended before its Content-Length. */
export const BODY_INCOMPLETE: PushReply = errorReply(
  400,
  'BODY_INCOMPLETE',
  'body: expected as many bytes as Content-Length says; the stream ended early or failed',
);

/** 500: a bug in siphook, never in the user's handler (that answers the fallback). */
export const INTERNAL_ERROR: PushReply = errorReply(
  500,
  'INTERNAL_ERROR',
  'the webhook handler failed unexpectedly; see the server log',
);

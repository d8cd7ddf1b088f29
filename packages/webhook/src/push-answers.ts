import { type ErrorCode, errorBody, type Issue } from '@siphook/schema';
import { createResponse } from '#runtime';

/** The Content-Type of every XML answer. */
export const XML_CONTENT_TYPE = 'application/xml; charset=utf-8';
const XML_HEADERS = Object.freeze({ 'content-type': XML_CONTENT_TYPE });
const JSON_HEADERS = Object.freeze({ 'content-type': 'application/json; charset=utf-8' });

/** A push the handler refuses: the HTTP status and the error it answers as JSON. */
export interface Refusal {
  readonly status: number;
  /** Also in the JSON body: `SIGNATURE_INVALID`, `EVENT_INVALID`, … */
  readonly code: ErrorCode;
  readonly message: string;
  readonly issues?: readonly Issue[] | undefined;
  /** Headers beside Content-Type: `Allow`, `WWW-Authenticate`. */
  readonly headers?: Readonly<Record<string, string>> | undefined;
}

/** A 200 with the response XML. */
export function xmlResponse(xml: string): Response {
  return createResponse(xml, 200, XML_HEADERS);
}

/**
 * An error answer in the one JSON shape of siphook: `{"error":{"code","message","issues"?}}`
 * (`body`, made by `errorBody` from `@siphook/schema`).
 */
export function errorResponse(refusal: Refusal, body: string = errorBody(refusal)): Response {
  const headers =
    refusal.headers === undefined ? JSON_HEADERS : { ...JSON_HEADERS, ...refusal.headers };
  return createResponse(body, refusal.status, headers);
}

/** 405: only POST is a push. */
export const METHOD_NOT_ALLOWED: Refusal = {
  status: 405,
  code: 'METHOD_NOT_ALLOWED',
  message: 'method: expected POST (sipgate.io pushes are POST requests)',
  headers: { allow: 'POST' },
};

/** 413 for a body over the limit; the limit is part of the message. */
export function bodyTooLarge(maxBodyBytes: number): Refusal {
  return {
    status: 413,
    code: 'BODY_TOO_LARGE',
    message: `body: expected at most ${maxBodyBytes} bytes; received more`,
  };
}

/** 400: the body ended before its Content-Length, or its stream failed. */
export const BODY_INCOMPLETE: Refusal = {
  status: 400,
  code: 'BODY_INCOMPLETE',
  message: 'body: expected as many bytes as Content-Length says; the stream ended early or failed',
};

/** 415: the body is not a form. */
export const UNSUPPORTED_MEDIA_TYPE: Refusal = {
  status: 415,
  code: 'CONTENT_TYPE_UNSUPPORTED',
  message: 'Content-Type: expected application/x-www-form-urlencoded (as sipgate.io sends)',
};

/** 403: the source address is not on the allow-list. */
export const ADDRESS_NOT_ALLOWED: Refusal = {
  status: 403,
  code: 'ADDRESS_NOT_ALLOWED',
  message: 'source address: expected an address on the allow-list',
};

/** 401: Basic auth missing or wrong. */
export const BASIC_AUTH_REQUIRED: Refusal = {
  status: 401,
  code: 'BASIC_AUTH_INVALID',
  message: 'Authorization: expected HTTP Basic credentials of this webhook',
  headers: { 'www-authenticate': 'Basic realm="siphook"' },
};

/** 401: no `X-Sipgate-Signature`. */
export const SIGNATURE_MISSING: Refusal = {
  status: 401,
  code: 'SIGNATURE_MISSING',
  message:
    'X-Sipgate-Signature: expected an RSA-SHA256 signature of the body (base64); received nothing',
};

/** 401: a signature no configured key verifies. */
export const SIGNATURE_INVALID: Refusal = {
  status: 401,
  code: 'SIGNATURE_INVALID',
  message:
    'X-Sipgate-Signature: expected a signature of this exact body by a configured key; it does not verify',
};

/** 500: a bug in siphook, never in the user's handler (that answers the fallback). */
export const INTERNAL_ERROR: Refusal = {
  status: 500,
  code: 'INTERNAL_ERROR',
  message: 'the webhook handler failed unexpectedly; see the server log',
};

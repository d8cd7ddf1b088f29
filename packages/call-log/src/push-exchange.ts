import { decodeEvent, isSiphookError, type WebhookEvent } from '@siphook/schema';
import type { CheckVerdict, PushRecordInput } from './call-record.js';

/**
 * One push and its answer as a webhook handler saw them: what {@link CallLog.record} takes. It
 * may carry secrets (the Authorization and X-Sipgate-Signature headers): they are dropped before
 * anything is stored.
 */
export interface PushExchange {
  /** When the push arrived, in ms since the epoch. */
  receivedAt: number;
  method: string;
  /** The path (and query) the push was posted to. */
  path: string;
  remoteAddress?: string | undefined;
  headers: Headers | Readonly<Record<string, string | readonly string[] | undefined>>;
  /** The raw body as received. */
  body: Uint8Array | string;
  /** The decoded event, when the handler got that far; decoded again here otherwise. */
  event?: WebhookEvent | undefined;
  /** The answer: status, Content-Type and body. */
  status: number;
  contentType?: string | undefined;
  answer: string;
  /** From arrival to answer, in ms. */
  durationMs: number;
  signature?: CheckVerdict | undefined;
  basicAuth?: CheckVerdict | undefined;
  /** The flow route (newCall) and Gather branch (dtmf) taken, for servers that run flows. */
  route?: string | undefined;
  branch?: string | undefined;
}

/** Headers that hold secrets or nothing worth keeping; never stored. */
const SECRET_HEADERS = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-sipgate-signature',
]);

const textDecoder = new TextDecoder('utf-8', { fatal: false });

/**
 * Turns an exchange into what a store keeps: headers without secrets, the body as text, and the
 * event decoded (with the error when it does not decode).
 *
 * @example
 * toPushRecord(exchange).headers.authorization // undefined, always
 */
export function toPushRecord(exchange: PushExchange): PushRecordInput {
  const body =
    typeof exchange.body === 'string' ? exchange.body : textDecoder.decode(exchange.body);
  let event: WebhookEvent | undefined = exchange.event;
  let decodeError: PushRecordInput['decodeError'] = null;
  if (event === undefined) {
    try {
      event = decodeEvent(body);
    } catch (error) {
      decodeError = isSiphookError(error)
        ? { code: error.code, message: error.message }
        : { code: 'BODY_INVALID', message: String(error) };
    }
  }
  return {
    callId: event?.callId ?? null,
    receivedAt: exchange.receivedAt,
    method: exchange.method,
    path: exchange.path,
    remoteAddress: exchange.remoteAddress ?? null,
    headers: safeHeaders(exchange.headers),
    body,
    event: event?.event ?? null,
    decoded: event === undefined ? null : (event as unknown as Record<string, unknown>),
    decodeError,
    status: exchange.status,
    contentType: exchange.contentType ?? null,
    answer: exchange.answer,
    durationMs: exchange.durationMs,
    signature: exchange.signature ?? 'unchecked',
    basicAuth: exchange.basicAuth ?? 'unchecked',
    route: exchange.route ?? null,
    branch: exchange.branch ?? null,
  };
}

function safeHeaders(headers: PushExchange['headers']): Record<string, string> {
  // No prototype: a header named `__proto__` is just a header.
  const kept: Record<string, string> = Object.create(null);
  const keep = (name: string, value: string): void => {
    const lower = name.toLowerCase();
    if (SECRET_HEADERS.has(lower)) return;
    kept[lower] = lower in kept ? `${kept[lower]}, ${value}` : value;
  };
  if (headers instanceof Headers) {
    for (const [name, value] of headers) keep(name, value);
    return kept;
  }
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    keep(name, typeof value === 'string' ? value : value.join(', '));
  }
  return kept;
}

import {
  decodeEvent,
  decodeForm,
  EVENT_NAMES,
  type EventName,
  isSiphookError,
} from '@siphook/schema';
import type { PushExchange } from '@siphook/webhook';
import type { PushRecord, PushRecordInput } from './call-record.js';

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
 * Turns an exchange into what a store keeps: headers without secrets and the body as text. It does
 * little, since it runs for every push: the body is decoded only when the handler did not, and
 * then only as a form (for its callId and event), never checked; {@link decodePushRecord} does
 * the rest when a push is read.
 *
 * @example
 * toPushRecord(exchange).headers.authorization // undefined, always
 */
export function toPushRecord(exchange: PushExchange): PushRecordInput {
  const body =
    typeof exchange.body === 'string' ? exchange.body : textDecoder.decode(exchange.body);
  let callId: string | null = exchange.event?.callId ?? null;
  let event: EventName | null = exchange.event?.event ?? null;
  if (exchange.event === undefined) {
    // A refused push: what the body says of itself, unchecked, so the inspector can group it.
    const form = decodeForm(body);
    callId = form.get('callId')?.values[0] || null;
    const name = form.get('event')?.values[0];
    event = EVENT_NAMES.includes(name as EventName) ? (name as EventName) : null;
  }
  return {
    callId,
    receivedAt: exchange.receivedAt,
    method: exchange.method,
    path: exchange.path,
    remoteAddress: exchange.remoteAddress ?? null,
    headers: safeHeaders(exchange.headers),
    body,
    event,
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

/**
 * A stored push as readers get it: its body decoded with `decodeEvent` of `@siphook/schema`, or
 * the reason it does not decode.
 */
export function decodePushRecord(input: PushRecordInput, id: number): PushRecord {
  return { ...input, id, ...decodeBody(input.body) };
}

/** The body decoded as an event, or why it does not decode. */
export function decodeBody(body: string): Pick<PushRecord, 'decoded' | 'decodeError'> {
  try {
    return { decoded: decodeEvent(body) as unknown as Record<string, unknown>, decodeError: null };
  } catch (error) {
    return {
      decoded: null,
      decodeError: isSiphookError(error)
        ? { code: error.code, message: error.message }
        : { code: 'BODY_INVALID', message: String(error) },
    };
  }
}

function safeHeaders(headers: PushExchange['headers']): Record<string, string> {
  // No prototype: a header named `__proto__` is just a header.
  const kept: Record<string, string> = Object.create(null);
  const keep = (name: string, value: string): void => {
    const lower = name.toLowerCase();
    if (SECRET_HEADERS.has(lower)) return;
    kept[lower] = lower in kept ? `${kept[lower]}, ${value}` : value;
  };
  // node:http's rawHeaders: the list as received, without building a Headers to iterate.
  if (Array.isArray(headers)) {
    const list = headers as readonly string[];
    for (let i = 0; i + 1 < list.length; i += 2) keep(list[i]!, list[i + 1]!);
    return kept;
  }
  // Headers, or a stand-in with its methods (an adapter's own): iterate it as Headers.
  if (typeof (headers as Headers).get === 'function' && Symbol.iterator in headers) {
    for (const [name, value] of headers as Headers) keep(name, value);
    return kept;
  }
  for (const [name, value] of Object.entries(headers as Record<string, string | string[]>)) {
    if (value === undefined) continue;
    keep(name, typeof value === 'string' ? value : value.join(', '));
  }
  return kept;
}

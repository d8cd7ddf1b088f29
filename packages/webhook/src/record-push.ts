import type { ErrorCode, WebhookEvent } from '@siphook/schema';
import { headerListOf } from './node-headers.js';
import type { PushRecord } from './push-log.js';
import type { WebhookOptions } from './webhook-options.js';

/**
 * What a check of a push found: `valid` (checked, passed), `invalid` (checked, refused),
 * `missing` (required, not sent) or `unchecked` (off, or not reached).
 */
export type CheckVerdict = 'valid' | 'invalid' | 'missing' | 'unchecked';

/** What a handler notes about its push for the call log (`call.annotate`). */
export interface PushNotes {
  /** The flow route a newCall took. */
  route?: string | undefined;
  /** The Gather branch a dtmf push took. */
  branch?: string | undefined;
}

/**
 * One push and its answer, as the handler hands them to its `callLog`. The headers are the
 * request's own, secrets included: a call log must drop Authorization and X-Sipgate-Signature
 * (`@siphook/call-log` does).
 */
export interface PushExchange {
  /** When the push arrived, in ms since the epoch. */
  receivedAt: number;
  method: string;
  /** The path (and query) the push was posted to. */
  path: string;
  remoteAddress?: string | undefined;
  /**
   * `Headers`, a record, or a flat `[name, value, name, value, …]` list as node:http's
   * `rawHeaders` (what the Node adapter hands over: no `Headers` is built for the log).
   */
  headers:
    | Headers
    | Readonly<Record<string, string | readonly string[] | undefined>>
    | readonly string[];
  /** The raw body as received; empty when it was not read (405, 413). */
  body: Uint8Array | string;
  /** The decoded event, when the push got that far. */
  event?: WebhookEvent | undefined;
  /** The answer: status, Content-Type and body (XML, or the JSON error). */
  status: number;
  contentType?: string | undefined;
  answer: string;
  /** From arrival to answer, in ms. */
  durationMs: number;
  signature?: CheckVerdict | undefined;
  basicAuth?: CheckVerdict | undefined;
  route?: string | undefined;
  branch?: string | undefined;
}

/** Where a handler records its pushes: `createCallLog` of `@siphook/call-log`, or your own. */
export interface CallLogSink {
  /** Takes one push and its answer; must return at once and never throw (it runs per push). */
  record(exchange: PushExchange): void;
}

/** A finished push, handed on to the call log with the notes its handler made. */
export type RecordPush = (record: PushRecord, notes: PushNotes | undefined) => void;

const XML_TYPE = 'application/xml; charset=utf-8';
const JSON_TYPE = 'application/json; charset=utf-8';
/** Refusals that come before the Basic-auth check (in the order `createWebhookHandler` checks). */
const BEFORE_BASIC_AUTH = new Set<string>([
  'METHOD_NOT_ALLOWED',
  'BODY_TOO_LARGE',
  'BODY_INCOMPLETE',
  'CONTENT_TYPE_UNSUPPORTED',
  'ADDRESS_NOT_ALLOWED',
]);
const BASIC_AUTH_REFUSAL: ErrorCode = 'BASIC_AUTH_INVALID';

/**
 * Builds the step that hands every finished push to `options.callLog`; undefined without one.
 * The signature and Basic-auth verdicts are read off the answer's code: never the secrets.
 */
export function createPushRecorder(options: WebhookOptions): RecordPush | undefined {
  const sink = options.callLog;
  if (sink === undefined) return undefined;
  const signatureOn = options.signature !== false;
  const basicAuthOn = options.basicAuth !== undefined;
  return (record, notes) => {
    try {
      const code = record.code;
      const url = record.request.url;
      const pathStart = url.indexOf('/', url.indexOf('//') + 2);
      const durationMs = performance.now() - record.startedAt;
      sink.record({
        receivedAt: Date.now() - durationMs,
        method: record.request.method,
        path: pathStart === -1 ? '/' : url.slice(pathStart),
        remoteAddress: record.remoteAddress,
        headers: headerListOf(record.request.headers) ?? record.request.headers,
        body: record.rawBody ?? '',
        event: record.event,
        status: record.status,
        contentType: record.status === 200 ? XML_TYPE : JSON_TYPE,
        answer: record.body,
        durationMs,
        basicAuth: !basicAuthOn
          ? 'unchecked'
          : BEFORE_BASIC_AUTH.has(code)
            ? 'unchecked'
            : code === BASIC_AUTH_REFUSAL
              ? record.request.headers.get('authorization') === null
                ? 'missing'
                : 'invalid'
              : 'valid',
        signature: !signatureOn
          ? 'unchecked'
          : code === 'SIGNATURE_MISSING'
            ? 'missing'
            : code === 'SIGNATURE_INVALID'
              ? 'invalid'
              : BEFORE_BASIC_AUTH.has(code) || code === BASIC_AUTH_REFUSAL
                ? 'unchecked'
                : 'valid',
        route: notes?.route,
        branch: notes?.branch,
      });
    } catch {
      // A call log never costs a push its answer.
    }
  };
}

import {
  decodeEvent,
  describeReceived,
  errorBody,
  parseResponse,
  SiphookError,
  type WebhookEvent,
} from '@siphook/schema';
import { type Authenticate, createAuthenticate } from './authenticate.js';
import { type CallStore, createMemoryCallStore } from './call-store.js';
import { createCallbackUrls, createCallbackUrlsOf } from './callback-urls.js';
import { type AnswerEncoder, createAnswerEncoder, EMPTY_MODEL } from './encode-answer.js';
import {
  BODY_INCOMPLETE,
  bodyTooLarge,
  errorResponse,
  INTERNAL_ERROR,
  METHOD_NOT_ALLOWED,
  type Refusal,
  UNSUPPORTED_MEDIA_TYPE,
  xmlResponse,
} from './push-answers.js';
import { createPushLog, type PushLog } from './push-log.js';
import { DEFAULT_MAX_BODY_BYTES, readBody } from './read-body.js';
import { createRunHandler, type RunHandler } from './run-handler.js';
import { createJsonLogger, describeError } from './webhook-logger.js';
import type { WebhookOptions } from './webhook-options.js';
import { wireCallbacks } from './wire-callbacks.js';

/** Connection facts a fetch `Request` does not carry, filled in by the adapter or server. */
export interface RequestInfo {
  /** The peer's address (the socket's, or what the platform reports); needed for `allowList`. */
  remoteAddress?: string | undefined;
}

/**
 * A fetch-style webhook handler: `Request` in, `Response` out; never rejects. Works in any server
 * that speaks fetch (Hono, Bun, Deno, workerd), and in node:http through {@link toNodeListener}.
 */
export type WebhookHandler = (request: Request, info?: RequestInfo) => Promise<Response>;

const DEFAULT_DEADLINE_MS = 8000;
const FORM_TYPE = 'application/x-www-form-urlencoded';

/**
 * Creates the webhook handler. Every push goes the same way, top to bottom: POST only (405) → body
 * within `maxBodyBytes` (413) → form content type (415) → allow-list (403), Basic auth (401),
 * `X-Sipgate-Signature` (401) → `decodeEvent` (400, JSON listing the issues) → your handler,
 * under the deadline → XML (`application/xml; charset=utf-8`), or the fallback.
 *
 * Only web-standard APIs are used, so the same handler runs on Node, Deno, Bun and workerd.
 *
 * @throws {SiphookError} `OPTIONS_INVALID` for an option that cannot work (a bad key,
 *   `publicUrl`, allow-list entry, limit, or an invalid fallback).
 * @example
 * const handler = createWebhookHandler({
 *   publicUrl: 'https://hooks.example.com/sipgate',
 *   onNewCall: (event) => ({ actions: [{ action: 'Gather', maxDigits: 1 }] }),
 *   onDtmf: (event) => (event.dtmf === '1' ? { actions: [{ action: 'Dial', target: { numbers: ['4915799912345'] } }] } : { actions: [{ action: 'Hangup' }] }),
 * });
 * Deno.serve((request, info) => handler(request, { remoteAddress: info.remoteAddr.hostname }));
 */
export function createWebhookHandler(options: WebhookOptions = {}): WebhookHandler {
  const maxBodyBytes = positiveInteger(
    options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    'maxBodyBytes',
  );
  const deadlineMs = positiveInteger(options.deadlineMs ?? DEFAULT_DEADLINE_MS, 'deadlineMs');
  const logger = options.logger ?? createJsonLogger();
  const log = createPushLog(logger);
  const store: CallStore = options.store ?? createMemoryCallStore();
  const authenticate: Authenticate | undefined = createAuthenticate(options);
  const { urlsOf, fixed, derived } = createCallbackUrlsOf(options);
  const wiring = { answer: options.onAnswer !== undefined, hangup: options.onHangup !== undefined };
  const fallback = options.fallback ?? EMPTY_MODEL;
  checkFallback(fallback, wiring, fixed === undefined && !derived ? undefined : (fixed ?? PROBE));
  const runHandler: RunHandler = createRunHandler(options, store, deadlineMs, log, logger);
  const tooLarge = bodyTooLarge(maxBodyBytes);
  const encoderLoaded = loadEncoder(wiring, fallback, log);
  let encoder: AnswerEncoder | undefined;
  encoderLoaded.then(
    (loaded) => {
      encoder = loaded;
    },
    () => {},
  );

  if (fixed === undefined && !derived && (wiring.answer || wiring.hangup)) {
    log.warn(
      {},
      'onAnswer/onHangup handlers are set but neither publicUrl nor trustHostHeader is: they run only for callbacks your responses set themselves',
    );
  }

  return async (request, info) => {
    const startedAt = performance.now();
    const remoteAddress = info?.remoteAddress;
    let rawBody: Uint8Array | undefined;
    let event: WebhookEvent | undefined;
    const refuse = (refusal: Refusal): Response => {
      const body = errorBody(refusal);
      const { status, code } = refusal;
      log.finished({ startedAt, request, rawBody, remoteAddress, event, status, code, body });
      return errorResponse(refusal, body);
    };
    try {
      if (request.method !== 'POST') {
        request.body?.cancel().catch(() => {});
        return refuse(METHOD_NOT_ALLOWED);
      }
      const body = await readBody(request, maxBodyBytes);
      if (body === 'too large') return refuse(tooLarge);
      if (body === 'incomplete') return refuse(BODY_INCOMPLETE);
      rawBody = body;
      if (!isFormContentType(request.headers.get('content-type'))) {
        return refuse(UNSUPPORTED_MEDIA_TYPE);
      }
      if (authenticate !== undefined) {
        const refusal = await authenticate(request, body, remoteAddress);
        if (refusal !== undefined) return refuse(refusal);
      }
      try {
        event = decodeEvent(body);
      } catch (error) {
        return refuse(decodeRefusal(error));
      }
      log.warnings(event);
      encoder ??= await encoderLoaded;
      const xml = await runHandler(event, urlsOf(request), encoder);
      const status = 200;
      log.finished({
        startedAt,
        request,
        rawBody,
        remoteAddress,
        event,
        status,
        code: 'OK',
        body: xml,
      });
      return xmlResponse(xml);
    } catch (error) {
      log.error({ err: describeError(error), callId: event?.callId }, 'webhook handler failed');
      return refuse(INTERNAL_ERROR);
    }
  };
}

/** Stands in for callback URLs that will come from request headers, to check the fallback. */
const PROBE = createCallbackUrls('http://localhost/');

/**
 * `@siphook/xml` is loaded when the handler is made, not when this package is imported: a process
 * that imports the webhook but answers no push yet pays nothing for it (bench/cold-start).
 */
function loadEncoder(
  wiring: { answer: boolean; hangup: boolean },
  fallback: unknown,
  log: PushLog,
): Promise<AnswerEncoder> {
  const loaded = import('@siphook/xml').then(({ DEFAULT_MAX_BYTES, encodeResponse }) =>
    createAnswerEncoder(encodeResponse, DEFAULT_MAX_BYTES, wiring, fallback, (error) =>
      log.error(
        { err: describeError(error) },
        'the fallback cannot be answered; answered <Response/>',
      ),
    ),
  );
  // A failed load is reported by the first push that needs it (a 500 and a log line).
  loaded.catch(() => {});
  return loaded;
}

/**
 * The fallback must always be answerable: validated once, here, by the schema's own rules. A Gather
 * without `onData` needs callback URLs; those from request headers are checked with a stand-in.
 */
function checkFallback(
  fallback: unknown,
  wiring: { answer: boolean; hangup: boolean },
  urls: ReturnType<typeof createCallbackUrls> | undefined,
): void {
  try {
    parseResponse(wireCallbacks(fallback, true, wiring, urls));
  } catch (error) {
    const detail = error instanceof Error ? ` (${error.message})` : '';
    throw new SiphookError(
      'OPTIONS_INVALID',
      `fallback: expected a valid response model; received ${describeReceived(fallback)}${detail}`,
      { path: 'fallback' },
      { cause: error },
    );
  }
}

/** True for `application/x-www-form-urlencoded`, with any parameters (`; charset=UTF-8`). */
function isFormContentType(value: string | null): boolean {
  if (value === null) return false;
  const semicolon = value.indexOf(';');
  const type = (semicolon === -1 ? value : value.slice(0, semicolon)).trim();
  return type.length === FORM_TYPE.length && type.toLowerCase() === FORM_TYPE;
}

function decodeRefusal(error: unknown): Refusal {
  if (error instanceof SiphookError) {
    return { status: 400, code: error.code, message: error.message, issues: error.issues };
  }
  return {
    status: 400,
    code: 'EVENT_INVALID',
    message: `body: could not be decoded (${String(describeError(error).message)})`,
  };
}

function positiveInteger(value: number, field: string): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new SiphookError(
      'OPTIONS_INVALID',
      `${field}: expected a positive integer; received ${describeReceived(value)}`,
      { path: field },
    );
  }
  return value;
}

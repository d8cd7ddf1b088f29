import {
  decodeEvent,
  describeReceived,
  type EventName,
  isHttpUrl,
  isSiphookError,
  type ResponseInput,
  SiphookError,
  type WebhookEvent,
} from '@siphook/schema';
import { encodeResponse } from '@siphook/xml';
import { type Logger, pino } from 'pino';
import { type CallState, type CallStore, createMemoryCallStore } from './call-store.js';
import { type BasicAuthCheck, createBasicAuthCheck } from './check-basic-auth.js';
import { createSourceAddressCheck, type SourceAddressCheck } from './check-source-address.js';

import {
  ADDRESS_NOT_ALLOWED,
  BASIC_AUTH_REQUIRED,
  bodyTooLarge,
  errorReply,
  INTERNAL_ERROR,
  METHOD_NOT_ALLOWED,
  type PushReply,
  SIGNATURE_INVALID,
  SIGNATURE_MISSING,
  UNSUPPORTED_MEDIA_TYPE,
  xmlReply,
} from './http-replies.js';
import { sipgatePublicKey } from './sipgate-public-key.js';
import { createSignatureVerifier, type SignatureVerifier } from './verify-signature.js';
import type { EventHandler, WebhookOptions } from './webhook-options.js';
import { type CallbackUrls, createCallbackUrls, wireCallbacks } from './wire-callbacks.js';

/** One push as the adapters hand it over: the few headers that matter, and the raw body. */
export interface PushRequest {
  contentType: string | undefined;
  authorization: string | undefined;
  signature: string | undefined;
  forwardedFor: string | undefined;
  remoteAddress: string | undefined;
  body: Uint8Array;
  /** Filled only when the pipeline `derivesUrls`: where the request says it was sent. */
  host?: string | undefined;
  forwardedHost?: string | undefined;
  forwardedProto?: string | undefined;
  protocol?: 'http' | 'https';
  path?: string;
}

/** The request steps shared by every adapter (fetch, node:http, Express, Fastify). */
export interface PushPipeline {
  readonly maxBodyBytes: number;
  /** True when callback URLs come from request headers: adapters then fill `host`, `path`, … */
  readonly derivesUrls: boolean;
  readonly logger: Logger;
  /** The 413 answer for this limit. */
  readonly tooLarge: PushReply;
  /** Steps 1 and 2 before any body is read: 405 for a non-POST, 413 for a Content-Length too big. */
  precheck(method: string | undefined, contentLength: string | undefined): PushReply | undefined;
  /**
   * Steps 3 to 7 on a body read in full. Synchronous when the store and the handler are; never
   * throws or rejects.
   */
  handle(request: PushRequest, startedAt: number): PushReply | Promise<PushReply>;
  /** Logs an answer an adapter gave by itself (405, 413, an aborted body). */
  logReply(reply: PushReply, startedAt: number, remoteAddress?: string): void;
}

const DEFAULT_MAX_BODY_BYTES = 64 * 1024;
const DEFAULT_DEADLINE_MS = 8000;
const EMPTY_MODEL = Object.freeze({ actions: Object.freeze([]) });
const FORM_TYPE = 'application/x-www-form-urlencoded';
const DIGITS_ONLY = /^\d+$/;
const HOST = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;
const CALLBACK_SUFFIX = /\/(?:answer|hangup|dtmf)\/?$/;
const TIMED_OUT: unique symbol = Symbol('timed out');
const MAX_DERIVED_BASES = 64;

const HANDLER_NAMES: Record<EventName, string> = {
  newCall: 'onNewCall',
  answer: 'onAnswer',
  hangup: 'onHangup',
  dtmf: 'onDtmf',
};

/** The call context handed to handlers; the logger is made on first use only. */
class HandlerCall {
  readonly callId: string;
  readonly event: WebhookEvent;
  state: CallState;
  readonly #root: Logger;
  #log: Logger | undefined;

  constructor(event: WebhookEvent, state: CallState, root: Logger) {
    this.callId = event.callId;
    this.event = event;
    this.state = state;
    this.#root = root;
  }

  get log(): Logger {
    this.#log ??= this.#root.child({ callId: this.callId });
    return this.#log;
  }
}

/** The XML of one frozen model, for a newCall push and for the others. */
interface EncodedPair {
  newCall?: string;
  other?: string;
}

/** What is known of one frozen handler result. */
interface FrozenModel {
  /** Deeply frozen plain data: its XML can be kept. */
  cacheable: boolean;
  withoutUrls: EncodedPair;
  byUrls: WeakMap<CallbackUrls, EncodedPair>;
}

/** Pre-encoded answers for one set of callback URLs (or none): empty and fallback, per event kind. */
interface CannedXml {
  empty: string;
  emptyNewCall: string;
  fallback: string;
  fallbackNewCall: string;
}

/**
 * Builds the pipeline from the options, doing all the work that can be done once: keys parsed,
 * secrets hashed, callback URLs made, empty and fallback answers encoded.
 *
 * @throws {SiphookError} `OPTIONS_INVALID` for an option that cannot work.
 */
export function createPushPipeline(options: WebhookOptions): PushPipeline {
  const maxBodyBytes = positiveInteger(
    options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    'maxBodyBytes',
  );
  const deadlineMs = positiveInteger(options.deadlineMs ?? DEFAULT_DEADLINE_MS, 'deadlineMs');
  const logger: Logger =
    options.logger ?? pino({ level: 'info' }, pino.destination({ dest: 1, sync: false }));
  const store: CallStore = options.store ?? createMemoryCallStore();
  const verifySignature: SignatureVerifier | undefined =
    options.signature === false
      ? undefined
      : createSignatureVerifier(options.signature?.publicKeys ?? [sipgatePublicKey()]);
  const checkBasicAuth: BasicAuthCheck | undefined = options.basicAuth
    ? createBasicAuthCheck(options.basicAuth)
    : undefined;
  const checkAddress: SourceAddressCheck | undefined = options.allowList
    ? createSourceAddressCheck(options.allowList)
    : undefined;
  const handlers: Partial<Record<EventName, EventHandler<never>>> = {
    newCall: options.onNewCall as EventHandler<never> | undefined,
    answer: options.onAnswer as EventHandler<never> | undefined,
    hangup: options.onHangup as EventHandler<never> | undefined,
    dtmf: options.onDtmf as EventHandler<never> | undefined,
  };
  const wiring = { answer: options.onAnswer !== undefined, hangup: options.onHangup !== undefined };
  const fallbackModel = options.fallback ?? EMPTY_MODEL;

  if (options.publicUrl !== undefined && !isHttpUrl(options.publicUrl)) {
    throw optionError(
      'publicUrl',
      'an absolute http(s) URL such as "https://user:pass@example.com/sipgate"',
      options.publicUrl,
    );
  }
  const staticUrls =
    options.publicUrl === undefined
      ? undefined
      : createCallbackUrls(options.publicUrl, options.basicAuth);
  const derivesUrls = staticUrls === undefined && options.trustHostHeader === true;
  const derivedUrls = new Map<string, CallbackUrls>();

  const cannedByUrls = new WeakMap<CallbackUrls, CannedXml>();
  const encodeCanned = (urls: CallbackUrls | undefined, fallback: unknown): CannedXml => {
    const encode = (model: unknown, isNewCall: boolean): string =>
      encodeResponse(wireCallbacks(model, isNewCall, wiring, urls) as ResponseInput);
    return {
      empty: encode(EMPTY_MODEL, false),
      emptyNewCall: encode(EMPTY_MODEL, true),
      fallback: encode(fallback, false),
      fallbackNewCall: encode(fallback, true),
    };
  };
  // The fallback is validated once, up front. One whose Gather needs `onData` from URLs that come
  // from request headers is checked against a stand-in; a request without a usable Host then gets
  // an empty `<Response/>` as its fallback, never a URL made up here.
  const fallbackNeedsUrls = derivesUrls && hasGatherWithoutOnData(fallbackModel);
  let cannedWithoutUrls: CannedXml;
  try {
    if (fallbackNeedsUrls) encodeCanned(createCallbackUrls('http://localhost/'), fallbackModel);
    cannedWithoutUrls = encodeCanned(staticUrls, fallbackNeedsUrls ? EMPTY_MODEL : fallbackModel);
  } catch (error) {
    throw optionError('fallback', 'a valid response model', fallbackModel, error);
  }
  if (staticUrls !== undefined) cannedByUrls.set(staticUrls, cannedWithoutUrls);
  const cannedFor = (urls: CallbackUrls | undefined): CannedXml => {
    if (urls === undefined) return cannedWithoutUrls;
    let canned = cannedByUrls.get(urls);
    if (canned === undefined) {
      canned = encodeCanned(urls, fallbackModel);
      cannedByUrls.set(urls, canned);
    }
    return canned;
  };

  if (staticUrls === undefined && !derivesUrls && (wiring.answer || wiring.hangup)) {
    logger.warn(
      'onAnswer/onHangup handlers are set but neither publicUrl nor trustHostHeader is: they run only for callbacks your responses set themselves',
    );
  }

  const urlsFor = (request: PushRequest): CallbackUrls | undefined => {
    if (!derivesUrls) return staticUrls;
    const base = deriveBase(request);
    if (base === undefined) return undefined;
    let urls = derivedUrls.get(base);
    if (urls === undefined) {
      urls = createCallbackUrls(base, options.basicAuth);
      if (derivedUrls.size >= MAX_DERIVED_BASES) derivedUrls.clear();
      derivedUrls.set(base, urls);
    }
    return urls;
  };

  const log = (
    reply: PushReply,
    startedAt: number,
    event: WebhookEvent | undefined,
    remoteAddress: string | undefined,
  ): void => {
    const durationMs = Math.round((performance.now() - startedAt) * 100) / 100;
    if (reply.status < 400) {
      if (logger.isLevelEnabled('info')) {
        logger.info(
          { callId: event?.callId, event: event?.event, status: reply.status, durationMs },
          'push answered',
        );
      }
      if (logger.isLevelEnabled('debug')) {
        logger.debug(
          { callId: event?.callId, event: event?.event, xml: reply.body },
          'response xml',
        );
      }
    } else if (logger.isLevelEnabled('warn')) {
      logger.warn(
        {
          callId: event?.callId,
          event: event?.event,
          status: reply.status,
          code: reply.code,
          remoteAddress,
          durationMs,
        },
        'push refused',
      );
    }
  };

  // The last 200 answer, kept: a cached XML string comes back as the same string, so its reply
  // (headers, Content-Length) is not made again. Replies are immutable.
  let lastReply: PushReply = xmlReply(cannedWithoutUrls.empty);
  const replyOf = (xml: string): PushReply => {
    if (xml !== lastReply.body) lastReply = xmlReply(xml);
    return lastReply;
  };

  /** Step 4: allow-list (403), Basic auth (401), signature (401). Cheapest first. */
  const authenticate = (request: PushRequest): PushReply | undefined => {
    if (checkAddress !== undefined && !checkAddress(request.remoteAddress, request.forwardedFor)) {
      return ADDRESS_NOT_ALLOWED;
    }
    if (checkBasicAuth !== undefined && !checkBasicAuth(request.authorization)) {
      return BASIC_AUTH_REQUIRED;
    }
    if (verifySignature !== undefined) {
      if (request.signature === undefined || request.signature === '') return SIGNATURE_MISSING;
      if (!verifySignature(request.body, request.signature)) return SIGNATURE_INVALID;
    }
    return undefined;
  };

  /**
   * Step 6: the user's handler with its state, wired and encoded. Stays synchronous while the store
   * and the handler are (no promise, no timer on the hot path); throws or rejects on any failure.
   */
  const runHandler = (
    handler: EventHandler<WebhookEvent>,
    event: WebhookEvent,
    urls: CallbackUrls | undefined,
  ): string | Promise<string> => {
    const stored = store.get(event.callId);
    if (isThenable(stored)) {
      return Promise.resolve(stored).then((state) => callHandler(handler, event, urls, state));
    }
    return callHandler(handler, event, urls, stored);
  };

  const callHandler = (
    handler: EventHandler<WebhookEvent>,
    event: WebhookEvent,
    urls: CallbackUrls | undefined,
    stored: CallState | undefined,
  ): string | Promise<string> => {
    const call = new HandlerCall(event, stored ?? {}, logger);
    const result = handler(event, call);
    if (isThenable(result)) {
      return Promise.resolve(result).then((value) => encodeAndSave(value, event, urls, call));
    }
    return encodeAndSave(result, event, urls, call);
  };

  /**
   * XML of deeply frozen handler results (a flow's shared responses, a constant), per model and
   * callback URLs. Such a model cannot change, so its wired, validated XML is the same every time
   * and is encoded once. Anything else is wired and validated on every push.
   */
  const frozenModels = new WeakMap<object, FrozenModel>();
  const encodeWired = (
    model: unknown,
    isNewCall: boolean,
    urls: CallbackUrls | undefined,
  ): string => {
    let encoded: EncodedPair | undefined;
    if (typeof model === 'object' && model !== null && Object.isFrozen(model)) {
      let known = frozenModels.get(model);
      if (known === undefined) {
        known = { cacheable: isDeepFrozen(model, 0), withoutUrls: {}, byUrls: new WeakMap() };
        frozenModels.set(model, known);
      }
      if (known.cacheable) {
        if (urls === undefined) encoded = known.withoutUrls;
        else {
          encoded = known.byUrls.get(urls);
          if (encoded === undefined) {
            encoded = {};
            known.byUrls.set(urls, encoded);
          }
        }
        const hit = isNewCall ? encoded.newCall : encoded.other;
        if (hit !== undefined) return hit;
      }
    }
    const xml = encodeResponse(wireCallbacks(model, isNewCall, wiring, urls) as ResponseInput);
    if (encoded !== undefined) {
      if (isNewCall) encoded.newCall = xml;
      else encoded.other = xml;
    }
    return xml;
  };

  const encodeAndSave = (
    result: unknown,
    event: WebhookEvent,
    urls: CallbackUrls | undefined,
    call: HandlerCall,
  ): string | Promise<string> => {
    const xml = encodeWired(result ?? EMPTY_MODEL, event.event === 'newCall', urls);
    if (event.event === 'hangup') return xml;
    const saved = store.set(event.callId, call.state);
    return isThenable(saved) ? Promise.resolve(saved).then(() => xml) : xml;
  };

  /** Steps 6 and 7 for a decoded event: the XML to answer, fallback included. Never throws. */
  const respond = (
    event: WebhookEvent,
    urls: CallbackUrls | undefined,
  ): string | Promise<string> => {
    const isNewCall = event.event === 'newCall';
    const handler = handlers[event.event] as EventHandler<WebhookEvent> | undefined;
    let xml: string | Promise<string>;
    if (handler === undefined) {
      const canned = cannedFor(urls);
      xml = isNewCall ? canned.emptyNewCall : canned.empty;
    } else {
      try {
        xml = runHandler(handler, event, urls);
      } catch (error) {
        logHandlerError(event, error);
        xml = fallbackXml(isNewCall, urls);
      }
      if (typeof xml !== 'string') {
        xml = withDeadline(xml, deadlineMs).then(
          (outcome) => {
            if (outcome !== TIMED_OUT) return outcome;
            logger.warn(
              { callId: event.callId, event: event.event, deadlineMs },
              `${HANDLER_NAMES[event.event]} did not answer within ${deadlineMs} ms; answered the fallback`,
            );
            return fallbackXml(isNewCall, urls);
          },
          (error: unknown) => {
            logHandlerError(event, error);
            return fallbackXml(isNewCall, urls);
          },
        );
      }
    }
    if (event.event !== 'hangup') return xml;
    // The call is over: forget its state once the handler is done with it.
    if (typeof xml === 'string') {
      const forgotten = forget(event);
      return forgotten === undefined ? xml : forgotten.then(() => xml);
    }
    return xml.then((text) => {
      const forgotten = forget(event);
      return forgotten === undefined ? text : forgotten.then(() => text);
    });
  };

  const fallbackXml = (isNewCall: boolean, urls: CallbackUrls | undefined): string => {
    const canned = cannedFor(urls);
    return isNewCall ? canned.fallbackNewCall : canned.fallback;
  };

  /** Drops a call's state; undefined when done, a promise when the store is async. Never throws. */
  const forget = (event: WebhookEvent): Promise<void> | undefined => {
    const failed = (error: unknown): void => {
      logger.error(
        { err: error, callId: event.callId, event: event.event },
        'call store failed to delete',
      );
    };
    try {
      const deleted = store.delete(event.callId);
      return isThenable(deleted) ? Promise.resolve(deleted).then(undefined, failed) : undefined;
    } catch (error) {
      failed(error);
      return undefined;
    }
  };

  const logHandlerError = (event: WebhookEvent, error: unknown): void => {
    const name = HANDLER_NAMES[event.event];
    const fields = { callId: event.callId, event: event.event };
    if (isSiphookError(error, 'RESPONSE_INVALID')) {
      logger.error(
        { ...fields, issues: error.issues },
        `${name} returned an invalid response; answered the fallback\n${error.message}`,
      );
    } else if (isSiphookError(error, 'CALLBACK_URL_UNKNOWN')) {
      logger.error({ ...fields, err: error }, `${name}: ${error.message}; answered the fallback`);
    } else {
      logger.error({ ...fields, err: error }, `${name} failed; answered the fallback`);
    }
  };

  return {
    maxBodyBytes,
    derivesUrls,
    logger,
    tooLarge: bodyTooLarge(maxBodyBytes),
    precheck(method, contentLength) {
      if (method !== 'POST') return METHOD_NOT_ALLOWED;
      if (
        contentLength !== undefined &&
        DIGITS_ONLY.test(contentLength) &&
        Number(contentLength) > maxBodyBytes
      ) {
        return this.tooLarge;
      }
      return undefined;
    },
    handle(request, startedAt) {
      let event: WebhookEvent | undefined;
      const finish = (reply: PushReply): PushReply => {
        log(reply, startedAt, event, reply.status >= 400 ? request.remoteAddress : undefined);
        return reply;
      };
      const failed = (error: unknown): PushReply => {
        logger.error({ err: error, callId: event?.callId }, 'webhook pipeline failed');
        return finish(INTERNAL_ERROR);
      };
      try {
        if (!isFormContentType(request.contentType)) return finish(UNSUPPORTED_MEDIA_TYPE);
        const refused = authenticate(request);
        if (refused !== undefined) return finish(refused);
        try {
          event = decodeEvent(request.body);
        } catch (error) {
          return finish(decodeErrorReply(error));
        }
        const xml = respond(event, urlsFor(request));
        if (typeof xml === 'string') return finish(replyOf(xml));
        return xml.then((text) => finish(replyOf(text)), failed);
      } catch (error) {
        return failed(error);
      }
    },
    logReply(reply, startedAt, remoteAddress) {
      log(reply, startedAt, undefined, remoteAddress);
    },
  };
}

/**
 * True for plain data that can never change: frozen objects and arrays (plain prototypes, no
 * getters or setters) all the way down, holding only primitives. Deeper than 16 levels counts as
 * changeable (a response is a few levels deep).
 */
function isDeepFrozen(value: unknown, depth: number): boolean {
  if (typeof value === 'function') return false;
  if (typeof value !== 'object' || value === null) return true;
  if (depth > 16 || !Object.isFrozen(value)) return false;
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== Array.prototype && prototype !== null) {
    return false;
  }
  const descriptors = Object.getOwnPropertyDescriptors(value);
  for (const key of Reflect.ownKeys(descriptors)) {
    const descriptor = descriptors[key as string]!;
    if (descriptor.get !== undefined || descriptor.set !== undefined) return false;
    if (!isDeepFrozen(descriptor.value, depth + 1)) return false;
  }
  return true;
}

/** Resolves with the promise's value, or with TIMED_OUT after `ms`; the timer never outlives it. */
function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms, TIMED_OUT);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

function isThenable<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/** True for `application/x-www-form-urlencoded`, with any parameters (`; charset=UTF-8`). */
export function isFormContentType(value: string | undefined): boolean {
  if (value === undefined) return false;
  const semicolon = value.indexOf(';');
  const type = (semicolon === -1 ? value : value.slice(0, semicolon)).trim();
  return type.length === FORM_TYPE.length && type.toLowerCase() === FORM_TYPE;
}

function decodeErrorReply(error: unknown): PushReply {
  if (error instanceof SiphookError) {
    return errorReply(400, error.code, error.message, [], error.issues);
  }
  return errorReply(400, 'EVENT_INVALID', `body: could not be decoded (${String(error)})`);
}

/** The callback base a request names for itself (Host, X-Forwarded-*); undefined if implausible. */
function deriveBase(request: PushRequest): string | undefined {
  const host = firstEntry(request.forwardedHost) ?? request.host;
  const protocol = (firstEntry(request.forwardedProto) ?? request.protocol ?? 'http').toLowerCase();
  if (host === undefined || !HOST.test(host) || (protocol !== 'http' && protocol !== 'https')) {
    return undefined;
  }
  const path = (request.path ?? '/').replace(CALLBACK_SUFFIX, '');
  return `${protocol}://${host}${path.startsWith('/') ? path : `/${path}`}`;
}

function firstEntry(header: string | undefined): string | undefined {
  if (header === undefined || header === '') return undefined;
  const comma = header.indexOf(',');
  return (comma === -1 ? header : header.slice(0, comma)).trim();
}

function hasGatherWithoutOnData(model: unknown): boolean {
  const actions = (model as { actions?: unknown }).actions;
  return (
    Array.isArray(actions) &&
    actions.some(
      (action) =>
        (action as { action?: unknown })?.action === 'Gather' &&
        (action as { onData?: unknown }).onData === undefined,
    )
  );
}

function positiveInteger(value: number, field: string): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw optionError(field, 'a positive integer', value);
  }
  return value;
}

function optionError(
  field: string,
  expected: string,
  received: unknown,
  cause?: unknown,
): SiphookError {
  const detail = cause instanceof Error ? ` (${cause.message})` : '';
  return new SiphookError(
    'OPTIONS_INVALID',
    `${field}: expected ${expected}; received ${describeReceived(received)}${detail}`,
    { path: field },
    { cause },
  );
}

import type {
  ActionInput,
  AnswerEvent,
  BasicAuthCredentials,
  DtmfEvent,
  HangupEvent,
  NewCallEvent,
  ResponseInput,
  WebhookEvent,
} from '@siphook/schema';
import type { CallState, CallStore } from './call-store.js';
import type { AllowListOptions } from './check-source-address.js';
import type { PublicKeyInput } from './read-rsa-public-key.js';
import type { WebhookLogger } from './webhook-logger.js';

type GatherInput = Extract<ActionInput, { action: 'Gather' }>;

/**
 * A Gather as a handler may write it: `onData` may be left out (also as `@siphook/xml`'s
 * `gather()` draft does), the handler fills it in.
 */
export type WebhookGatherInput = Omit<GatherInput, 'onData'> & { onData?: string | undefined };

/** An action as a handler may return it. */
export type WebhookActionInput = Exclude<ActionInput, { action: 'Gather' }> | WebhookGatherInput;

/**
 * A response as a handler may return it: the response model (or `@siphook/xml` builder output),
 * where a Gather may leave `onData` out (it is wired to this handler from `publicUrl`).
 */
export type WebhookResponseInput = Omit<ResponseInput, 'actions'> & {
  actions?: readonly WebhookActionInput[] | undefined;
};

/** What a handler returns: a response, or nothing for an empty `<Response/>`. */
// biome-ignore lint/suspicious/noConfusingVoidType: a handler with no return statement returns void.
export type HandlerResult = WebhookResponseInput | undefined | null | void;

/** What a handler gets beside the event: the call's id, its persisted state and a logger. */
export interface CallContext<E extends WebhookEvent = WebhookEvent> {
  /** The call this push belongs to. */
  readonly callId: string;
  /** The decoded push (the same object as the first handler argument). */
  readonly event: E;
  /**
   * JSON-serialisable data kept across the pushes of this call (saved after the handler returns,
   * dropped after hangup). Mutate it, or assign a new object.
   */
  state: CallState;
  /** A child of the handler's logger carrying `callId`. */
  readonly log: WebhookLogger;
}

/** A handler for one kind of push; may be async. */
export type EventHandler<E extends WebhookEvent> = (
  event: E,
  call: CallContext<E>,
) => HandlerResult | Promise<HandlerResult>;

/** Options of {@link createWebhookHandler}. */
export interface WebhookOptions {
  /**
   * The public URL sipgate.io reaches this handler at, e.g. `https://user:pass@example.com/sipgate`.
   * Callback URLs are made from it (`…/answer`, `…/hangup`, `…/dtmf`); credentials are kept.
   */
  publicUrl?: string | undefined;
  /**
   * Without `publicUrl`, derive the callback base from each request's `Host` (and, when set,
   * `X-Forwarded-Host` / `X-Forwarded-Proto`) header. Only safe behind a proxy that sets them, or
   * in development: a client chooses these headers. Default false.
   */
  trustHostHeader?: boolean | undefined;
  /** Runs for `newCall`; its response steers the call. */
  onNewCall?: EventHandler<NewCallEvent> | undefined;
  /** Runs for `answer` (wired from `publicUrl`); the service discards its response. */
  onAnswer?: EventHandler<AnswerEvent> | undefined;
  /** Runs for `hangup` (wired from `publicUrl`); the service discards its response. */
  onHangup?: EventHandler<HangupEvent> | undefined;
  /** Runs for `dtmf`, the result of a Gather; its response steers the call. */
  onDtmf?: EventHandler<DtmfEvent> | undefined;
  /**
   * `X-Sipgate-Signature` checking: on by default with sipgate.io's bundled key. `publicKeys`
   * replaces the default list (add `sipgatePublicKey()` to keep it); `false` turns checking off.
   */
  signature?: false | { publicKeys?: PublicKeyInput[] | undefined } | undefined;
  /** Require HTTP Basic auth with these credentials (401 with `WWW-Authenticate` otherwise). */
  basicAuth?: BasicAuthCredentials | undefined;
  /**
   * Only accept pushes from these addresses (403 otherwise). The address comes from the adapter
   * (`info.remoteAddress`); without one, every push is refused.
   */
  allowList?: AllowListOptions | undefined;
  /** The largest body accepted, in bytes (413 beyond). Default 65536. */
  maxBodyBytes?: number | undefined;
  /**
   * How long a push may take, handler and call store together, before the fallback is answered,
   * in ms. Default 8000 (sipgate.io waits about 10 s).
   */
  deadlineMs?: number | undefined;
  /** Answered when a handler fails, times out or returns an invalid response. Default `<Response/>`. */
  fallback?: WebhookResponseInput | undefined;
  /** Where log lines go: a pino logger, or anything with its methods. Default: JSON lines via `console.log`, level `info`. */
  logger?: WebhookLogger | undefined;
  /** Where per-call state lives; default {@link createMemoryCallStore}(). */
  store?: CallStore | undefined;
}

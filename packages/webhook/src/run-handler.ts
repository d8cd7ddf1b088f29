import type { EventName, WebhookEvent } from '@siphook/schema';
import type { CallState, CallStore } from './call-store.js';
import type { CallbackUrls } from './callback-urls.js';
import type { AnswerEncoder } from './encode-answer.js';
import type { PushLog } from './push-log.js';
import type { PushNotes } from './record-push.js';
import type { WebhookLogger } from './webhook-logger.js';
import type { CallContext, EventHandler, WebhookOptions } from './webhook-options.js';

/** Answers one decoded push with XML: the handler's, or the fallback. Never rejects. */
export type RunHandler = (
  event: WebhookEvent,
  urls: CallbackUrls | undefined,
  encoder: AnswerEncoder,
  /** Where `call.annotate` writes, when the handler has a call log. */
  notes?: PushNotes | undefined,
) => Promise<string>;

const HANDLER_NAMES: Record<EventName, 'onNewCall' | 'onAnswer' | 'onHangup' | 'onDtmf'> = {
  newCall: 'onNewCall',
  answer: 'onAnswer',
  hangup: 'onHangup',
  dtmf: 'onDtmf',
};

/**
 * Builds the step that runs the user's handler: load the call's state, call the handler, encode
 * its result, save the state (or, after hangup, delete it). All of it falls under one deadline
 * (`deadlineMs`, counted from the start of the push): a handler or a store that fails or is
 * late gets the fallback answered, and a log line saying which step it was.
 */
export function createRunHandler(
  options: WebhookOptions,
  store: CallStore,
  deadlineMs: number,
  log: PushLog,
  logger: WebhookLogger,
): RunHandler {
  return async (event, urls, encoder, notes) => {
    const isNewCall = event.event === 'newCall';
    const name = HANDLER_NAMES[event.event];
    const handler = options[name] as EventHandler<WebhookEvent> | undefined;
    const deadline = new Deadline(deadlineMs);
    let step: string = name;
    let xml: string | undefined;
    try {
      if (handler === undefined) xml = encoder.encode(undefined, isNewCall, urls);
      else if (store.update !== undefined) {
        // A shared store: load, handler and save are one step against the call's other pushes.
        step = 'the call store (update)';
        let encoded: string | undefined;
        await deadline.race(
          store.update(event.callId, async (stored) => {
            step = name;
            const call = new HandlerCall(event, stored ?? {}, logger, notes);
            const result = await handler(event, call);
            encoded = encoder.encode(result, isNewCall, urls);
            // Answered with the fallback meanwhile: the caller never heard this result, so its
            // state is not saved either (the store frees the call).
            if (deadline.expired) throw EXPIRED;
            step = 'the call store (update)';
            return event.event === 'hangup' ? undefined : call.state;
          }),
        );
        xml = encoded;
      } else {
        // A value that is there already (the memory store, a synchronous handler) is used as it
        // is: `await` on it would still cost a microtask turn per step.
        step = 'the call store (get)';
        const loading = deadline.race(store.get(event.callId));
        const stored = isThenable(loading) ? await loading : loading;
        step = name;
        const call = new HandlerCall(event, stored ?? {}, logger, notes);
        const running = deadline.race(handler(event, call));
        const result = isThenable(running) ? await running : running;
        const encoded = encoder.encode(result, isNewCall, urls);
        if (event.event !== 'hangup') {
          // Saved before answering: the next push of this call may come as soon as it is out.
          step = 'the call store (set)';
          const saving = deadline.race(store.set(event.callId, call.state));
          if (isThenable(saving)) await saving;
        }
        xml = encoded;
      }
      if (event.event === 'hangup' && (handler === undefined || store.update === undefined)) {
        // The call is over: its state goes. A store that fails here cannot change the answer.
        step = 'the call store (delete)';
        await deadline.race(store.delete(event.callId));
      }
    } catch (error) {
      const answered = xml === undefined ? 'the fallback' : 'the response';
      if (error === EXPIRED) {
        log.warn(
          { callId: event.callId, event: event.event, deadlineMs },
          `${step} did not answer within ${deadlineMs} ms; answered ${answered}`,
        );
      } else log.failure(event, step, error, xml === undefined);
    } finally {
      deadline.cancel();
    }
    return xml ?? encoder.fallback(isNewCall, urls);
  };
}

/**
 * The deadline of one push. The timer starts with the first step that has to wait, set to what is
 * left of `ms` since the push began; a handler and store that answer at once never set one.
 */
class Deadline {
  readonly #endsAt: number;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #expired: Promise<typeof EXPIRED> | undefined;

  constructor(ms: number) {
    this.#endsAt = performance.now() + ms;
  }

  /**
   * The value of `work`, or a rejection with {@link EXPIRED} once time is up. A value that is
   * there already is passed on as it is: awaiting it costs no timer.
   */
  race<T>(work: T | PromiseLike<T>): T | Promise<T> {
    if (!isThenable(work)) return work;
    this.#expired ??= new Promise((resolve) => {
      this.#timer = setTimeout(resolve, Math.max(0, this.#endsAt - performance.now()), EXPIRED);
    });
    return Promise.race([work, this.#expired]).then((outcome) => {
      if (outcome === EXPIRED) throw EXPIRED;
      return outcome as T;
    });
  }

  /** True once the time is up. */
  get expired(): boolean {
    return performance.now() >= this.#endsAt;
  }

  cancel(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
  }
}

const EXPIRED: unique symbol = Symbol('expired');

function isThenable<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/** The call context handed to handlers; the child logger is made on first use only. */
class HandlerCall implements CallContext {
  readonly callId: string;
  readonly event: WebhookEvent;
  state: CallState;
  readonly #logger: WebhookLogger;
  readonly #notes: PushNotes | undefined;
  #log: WebhookLogger | undefined;

  constructor(
    event: WebhookEvent,
    state: CallState,
    logger: WebhookLogger,
    notes: PushNotes | undefined,
  ) {
    this.callId = event.callId;
    this.event = event;
    this.state = state;
    this.#logger = logger;
    this.#notes = notes;
  }

  annotate(notes: PushNotes): void {
    if (this.#notes !== undefined) Object.assign(this.#notes, notes);
  }

  get log(): WebhookLogger {
    this.#log ??= this.#logger.child({ callId: this.callId });
    return this.#log;
  }
}

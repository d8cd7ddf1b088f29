import { describeReceived, SiphookError } from '@siphook/schema';
import type { CallLogSink, PushExchange } from '@siphook/webhook';
import type { CallLogStore } from './call-log-store.js';
import type { PushRecordInput } from './call-record.js';
import { toPushRecord } from './push-exchange.js';

/** Options of {@link createCallLog}. */
export interface CallLogOptions {
  /** Where pushes go: {@link openCallLogFile}, or your own {@link CallLogStore}. */
  store: CallLogStore;
  /**
   * Told once, on the first push that cannot be saved; later failures are counted in
   * {@link CallLog.failed}, not repeated. Default: `console.warn`.
   */
  onWarning?: (message: string, error: unknown) => void;
  /** Most pushes waiting in memory; beyond, new ones are dropped and counted. Default 10000. */
  maxQueued?: number;
  /**
   * How long a push may wait to be saved with others, in ms. Default 100: one transaction for all
   * the pushes of 100 ms costs a fraction of one per push. 0 saves after every event-loop turn.
   */
  batchMs?: number;
}

/**
 * Records pushes without slowing them down: {@link CallLog.record} only queues the exchange; the
 * queue is turned into records and saved in one batch, after the answers went out, at most
 * `batchMs` later (sooner when 512 are waiting). Call {@link CallLog.flush} before exiting.
 */
export interface CallLog extends CallLogSink {
  /** Queues one push and its answer. Never throws. */
  record(exchange: PushExchange): void;
  /** Resolves once everything queued so far is saved (or has failed). */
  flush(): Promise<void>;
  /** Pushes that could not be saved (or were dropped from a full queue). */
  readonly failed: number;
}

const DEFAULT_MAX_QUEUED = 10_000;
const DEFAULT_BATCH_MS = 100;
const FULL_BATCH = 512;

/**
 * Creates the call log a webhook handler records into (its `callLog` option).
 *
 * @throws {SiphookError} `OPTIONS_INVALID` when `store` has no `append` or `maxQueued` is not a
 *   positive integer.
 * @example
 * const callLog = createCallLog({ store: openCallLogFile('calls.db') });
 * callLog.record({ receivedAt: Date.now(), method: 'POST', path: '/', headers: {}, body, status: 200, answer: xml, durationMs: 3 });
 * await callLog.flush();
 */
export function createCallLog(options: CallLogOptions): CallLog {
  const { store } = options;
  if (typeof store?.append !== 'function') {
    throw new SiphookError(
      'OPTIONS_INVALID',
      `callLog.store: expected an object with append(pushes); received ${describeReceived(store)}`,
      { path: 'callLog.store' },
    );
  }
  const maxQueued = options.maxQueued ?? DEFAULT_MAX_QUEUED;
  if (!Number.isSafeInteger(maxQueued) || maxQueued < 1) {
    throw new SiphookError(
      'OPTIONS_INVALID',
      `callLog.maxQueued: expected a positive integer; received ${describeReceived(maxQueued)}`,
      { path: 'callLog.maxQueued' },
    );
  }
  const batchMs = options.batchMs ?? DEFAULT_BATCH_MS;
  if (!Number.isSafeInteger(batchMs) || batchMs < 0) {
    throw new SiphookError(
      'OPTIONS_INVALID',
      `callLog.batchMs: expected an integer >= 0; received ${describeReceived(batchMs)}`,
      { path: 'callLog.batchMs' },
    );
  }
  const warn = options.onWarning ?? ((message: string) => console.warn(message));
  let queue: PushExchange[] = [];
  let timer: NodeJS.Timeout | undefined;
  let immediate: NodeJS.Immediate | undefined;
  let saving: Promise<void> = Promise.resolve();
  let failed = 0;
  let warned = false;

  const fail = (count: number, error: unknown): void => {
    failed += count;
    if (warned) return;
    warned = true;
    const where = store.location === undefined ? '' : ` to ${store.location}`;
    const reason = error instanceof Error ? error.message : String(error);
    try {
      warn(
        `call log: could not save ${count} push(es)${where}: ${reason}; calls are still answered, and further failures are not reported`,
        error,
      );
    } catch {
      // A failing warning must not fail the push that was answered.
    }
  };

  const save = (batch: PushExchange[]): Promise<void> => {
    let records: PushRecordInput[];
    try {
      records = batch.map(toPushRecord);
      const saved = store.append(records);
      if (saved instanceof Promise)
        return saved.then(undefined, (error) => fail(batch.length, error));
    } catch (error) {
      fail(batch.length, error);
    }
    return Promise.resolve();
  };

  const drain = (): void => {
    clearTimeout(timer);
    clearImmediate(immediate);
    timer = undefined;
    immediate = undefined;
    const batch = queue;
    queue = [];
    if (batch.length > 0) saving = saving.then(() => save(batch));
  };

  return {
    record(exchange) {
      if (queue.length >= maxQueued) {
        fail(1, new Error(`${maxQueued} pushes are waiting to be saved`));
        return;
      }
      queue.push(exchange);
      // Never in this turn: the answer is written before the push is saved.
      if (immediate !== undefined) return;
      if (batchMs === 0 || queue.length >= FULL_BATCH) {
        immediate = setImmediate(drain);
      } else if (timer === undefined) {
        timer = setTimeout(drain, batchMs);
        // A process may end with pushes waiting: servers flush on close.
        timer.unref();
      }
    },
    flush() {
      drain();
      return saving;
    },
    get failed() {
      return failed;
    },
  };
}

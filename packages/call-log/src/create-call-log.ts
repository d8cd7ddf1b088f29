import { describeReceived, SiphookError } from '@siphook/schema';
import type { CallLogStore } from './call-log-store.js';
import type { PushRecordInput } from './call-record.js';
import { type PushExchange, toPushRecord } from './push-exchange.js';

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
}

/**
 * Records pushes without slowing them down: {@link CallLog.record} only queues the exchange; the
 * queue is turned into records and saved in one batch after the current answers went out.
 */
export interface CallLog {
  /** Queues one push and its answer. Never throws. */
  record(exchange: PushExchange): void;
  /** Resolves once everything queued so far is saved (or has failed). */
  flush(): Promise<void>;
  /** Pushes that could not be saved (or were dropped from a full queue). */
  readonly failed: number;
}

const DEFAULT_MAX_QUEUED = 10_000;

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
  const warn = options.onWarning ?? ((message: string) => console.warn(message));
  let queue: PushExchange[] = [];
  let scheduled = false;
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
    scheduled = false;
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
      if (!scheduled) {
        scheduled = true;
        // After this turn's I/O: the answer is written before the push is saved.
        setImmediate(drain);
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

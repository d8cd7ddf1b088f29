import type {
  CallDetail,
  CallPage,
  CallQuery,
  CallSummary,
  PushRecordInput,
} from './call-record.js';

/** A value now or later: stores may be synchronous (SQLite) or not (a remote database). */
export type MaybePromise<T> = T | Promise<T>;

/**
 * Where a call log keeps its pushes. Implement it to put calls elsewhere (another database, a
 * queue); {@link openCallLogFile} is the SQLite one.
 *
 * @example
 * const store: CallLogStore = { append: (pushes) => queue.send(pushes) };
 * createWebhookHandler({ callLog: createCallLog({ store }) });
 */
export interface CallLogStore {
  /** Saves pushes (already without secrets), oldest first. */
  append(pushes: readonly PushRecordInput[]): MaybePromise<void>;
  /** Where the pushes go, for messages (a file name, a URL without credentials). */
  readonly location?: string;
}

/** What is new in a log since a push id: the calls it changed, for live updates. */
export interface CallLogChanges {
  /** The newest push id now: ask again with it. */
  lastId: number;
  /** Every call that got a push after the id asked for, newest first. */
  calls: CallSummary[];
}

/** A store the inspector can read. */
export interface CallLogReader {
  /** One page of calls, newest first, filtered. */
  listCalls(query: CallQuery): MaybePromise<CallPage>;
  /** One call with all its pushes, or undefined. */
  getCall(callId: string): MaybePromise<CallDetail | undefined>;
  /** The calls changed after push `afterId` (0: any). */
  changesSince(afterId: number): MaybePromise<CallLogChanges>;
}

/** Data a handler keeps for one call: plain JSON-serialisable values. */
export type CallState = Record<string, unknown>;

/**
 * Where per-call state lives between the pushes of one `callId`. Every method may return a
 * promise, so a networked store (Redis, a database) fits the same shape:
 *
 * - `get` returns the state saved for the call, or `undefined` for a call not seen (or expired);
 * - `set` saves the state after each handled push (a store may refresh its expiry here);
 * - `delete` forgets the call; the handler calls it after the `hangup` push.
 *
 * Stores that serialise must keep to JSON: the handler guarantees nothing else. Every call falls
 * under the handler's deadline: a store that does not answer in time gets the push the fallback.
 *
 * @example
 * const redisStore: CallStore = {
 *   get: async (callId) => JSON.parse((await redis.get(`call:${callId}`)) ?? 'null') ?? undefined,
 *   set: async (callId, state) => void (await redis.set(`call:${callId}`, JSON.stringify(state), { EX: 7200 })),
 *   delete: async (callId) => void (await redis.del(`call:${callId}`)),
 * };
 */
export interface CallStore {
  get(callId: string): CallState | undefined | Promise<CallState | undefined>;
  set(callId: string, state: CallState): void | Promise<void>;
  delete(callId: string): void | Promise<void>;
  /**
   * Optional, for a store shared by several instances (`@siphook/redis-store`): reads the call's
   * state, runs `change` on it and saves what it returns (or ends the call on `undefined`) as one
   * step against every other update of the same call, on any instance. With it, the handler runs
   * inside `update`, so a dtmf and a hangup of one call racing on two instances never interleave.
   * `change` must run once: a store serialises, it does not retry.
   */
  update?(callId: string, change: CallStateChange): void | Promise<void>;
}

/** What {@link CallStore.update} runs: the new state, or `undefined` to end the call. */
export type CallStateChange = (
  state: CallState | undefined,
) => CallState | undefined | Promise<CallState | undefined>;

/** Options of {@link createMemoryCallStore}. */
export interface MemoryCallStoreOptions {
  /** How long a call's state lives after its last push, in ms. Default 2 hours. */
  ttlMs?: number;
  /** How many calls are kept at most; the call seen first is evicted first. Default 10000. */
  maxCalls?: number;
  /** The clock, in ms; defaults to `Date.now`. */
  now?: () => number;
}

/** The in-memory {@link CallStore}, with its size for monitoring. */
export interface MemoryCallStore extends CallStore {
  /** How many calls are held right now (expired ones may linger until the next write). */
  readonly size: number;
}

interface Entry {
  /** The state as JSON text: a copy that shares nothing with the request it came from. */
  json: string;
  expiresAt: number;
}

const DEFAULT_TTL_MS = 2 * 60 * 60 * 1000;
const DEFAULT_MAX_CALLS = 10_000;

/**
 * The default {@link CallStore}: a Map in this process, for one server instance. It keeps copies,
 * as a networked store would: the state as JSON text, and the call id as a fresh string. A string
 * decoded from a push can be a slice that keeps the whole request body alive, and 10,000 calls of
 * 60 KB pushes held that way cost 600 MB. `get` therefore returns a new object each time.
 * Entries expire `ttlMs` after their last write and are dropped after hangup; beyond `maxCalls`,
 * the call seen first goes first.
 *
 * @example
 * createWebhookHandler({ store: createMemoryCallStore({ ttlMs: 30 * 60_000 }), onNewCall })
 */
export function createMemoryCallStore(options: MemoryCallStoreOptions = {}): MemoryCallStore {
  const ttlMs = options.ttlMs ?? DEFAULT_TTL_MS;
  const maxCalls = Math.max(1, options.maxCalls ?? DEFAULT_MAX_CALLS);
  const now = options.now ?? Date.now;
  // Expired entries are swept at most this often (a full scan), and read as absent meanwhile.
  const sweepEveryMs = Math.min(ttlMs, 60_000);
  const entries = new Map<string, Entry>();
  let nextSweep = now() + sweepEveryMs;

  const sweep = (time: number): void => {
    nextSweep = time + sweepEveryMs;
    for (const [callId, entry] of entries) if (entry.expiresAt <= time) entries.delete(callId);
  };

  return {
    get(callId) {
      const entry = entries.get(callId);
      if (entry === undefined) return undefined;
      if (entry.expiresAt <= now()) {
        entries.delete(callId);
        return undefined;
      }
      return JSON.parse(entry.json) as CallState;
    },
    set(callId, state) {
      const time = now();
      const json = JSON.stringify(state);
      const entry = entries.get(callId);
      if (entry !== undefined) {
        // Updated in place: a call keeps its place in line.
        entry.json = json;
        entry.expiresAt = time + ttlMs;
      } else {
        entries.set(copyString(callId), { json, expiresAt: time + ttlMs });
        // Full: the call seen first makes room (Map keeps insertion order).
        if (entries.size > maxCalls) entries.delete(entries.keys().next().value!);
      }
      if (time >= nextSweep) sweep(time);
    },
    delete(callId) {
      entries.delete(callId);
    },
    get size() {
      return entries.size;
    },
  };
}

/**
 * A string with its own storage. JSON.parse builds new strings, never slices of its input (and
 * its input here is the fresh text JSON.stringify made), so nothing of the push body is kept.
 */
function copyString(text: string): string {
  return JSON.parse(JSON.stringify(text)) as string;
}

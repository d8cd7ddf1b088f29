import { createHash, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ConnectionOptions } from 'node:tls';
import { createClient } from '@redis/client';
import { SiphookError } from '@siphook/schema/errors';
import type { CallState, CallStateChange, CallStore } from '@siphook/webhook';
import { ACQUIRE_SCRIPT, RELEASE_SCRIPT, WRITE_SCRIPT } from './call-scripts.js';
import { parseRedisUrl } from './parse-redis-url.js';
import { storeError, unreachable } from './store-error.js';

/** Where the store reports its connection: lost, back, waiting. Any pino logger fits. */
export interface StoreLogger {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
}

/** Options of {@link createRedisCallStore}. */
export interface RedisCallStoreOptions {
  /** `redis://[user:password@]host[:port][/db]`, or `rediss://` for TLS. Default `redis://127.0.0.1:6379`. */
  url?: string | undefined;
  /**
   * Names this deployment: keys are `<prefix>:{<callId>}:state` (and `:lock`, `:ended`). Give
   * each deployment that shares one Redis its own prefix; the instances of one deployment share
   * theirs. Default `siphook`.
   */
  prefix?: string;
  /** How long a call's state lives after its last push, in ms. Default 2 hours. */
  ttlMs?: number;
  /**
   * How long one push may hold a call's state (its lease), and how long a second push of the same
   * call waits for it, in ms. Default 10000: sipgate.io waits about 10 s for an answer.
   */
  lockMs?: number;
  /** At start, wait (retrying) until Redis answers instead of failing. Default false. */
  waitForConnection?: boolean;
  /** Time allowed for one connection attempt, in ms. Default 5000. */
  connectTimeoutMs?: number;
  /** TLS settings for `rediss://` beyond the defaults, e.g. `{ ca }` for a private CA. */
  tls?: ConnectionOptions;
  /** Receives one line when the connection is lost, and one when it is back. Default: silent. */
  logger?: StoreLogger;
  /** Gives up connecting at start (say, on SIGTERM while waiting for Redis). */
  signal?: AbortSignal;
}

/** The Redis {@link CallStore}: shared by every instance that uses the same Redis and prefix. */
export interface RedisCallStore extends CallStore {
  get(callId: string): Promise<CallState | undefined>;
  set(callId: string, state: CallState): Promise<void>;
  delete(callId: string): Promise<void>;
  /**
   * Reads the call's state, runs `change` on it and writes the result (or ends the call on
   * `undefined`) as one step against every other update of the same call, on any instance:
   * updates of one call run one after another, never interleaved. `change` runs once.
   *
   * @throws {SiphookError} `STORE_LOCKED` when another update held the call for longer than
   *   `lockMs`; `STORE_LEASE_EXPIRED` when `change` took longer than `lockMs` (nothing saved);
   *   `STORE_UNAVAILABLE`, `STORE_FAILED`; or whatever `change` threw.
   */
  update(callId: string, change: CallStateChange): Promise<void>;
  /** The Redis URL without its password, for logs and banners. */
  readonly target: string;
  /** The key prefix in use. */
  readonly prefix: string;
  /** Closes the connection; calls on the store then fail with `STORE_UNAVAILABLE`. */
  close(): Promise<void>;
}

const DEFAULT_URL = 'redis://127.0.0.1:6379';
const DEFAULT_PREFIX = 'siphook';
const DEFAULT_TTL_MS = 2 * 60 * 60 * 1000;
const DEFAULT_LOCK_MS = 10_000;
/** How long an ended call's marker stops late pushes from writing its state back. */
const ENDED_MARKER_MS = 60_000;
/** Longest pause between two reconnection attempts. */
const MAX_RECONNECT_DELAY_MS = 2000;
/** Longest pause between two tries for a call's lock. */
const MAX_LOCK_POLL_MS = 50;

function sha1(script: string): string {
  return createHash('sha1').update(script).digest('hex');
}
const ACQUIRE = { source: ACQUIRE_SCRIPT, sha: sha1(ACQUIRE_SCRIPT) };
const WRITE = { source: WRITE_SCRIPT, sha: sha1(WRITE_SCRIPT) };
const RELEASE = { source: RELEASE_SCRIPT, sha: sha1(RELEASE_SCRIPT) };

function positiveInteger(value: number | undefined, fallback: number, field: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value <= 0)
    throw new SiphookError(
      'OPTIONS_INVALID',
      `${field}: expected a positive whole number of milliseconds; received ${String(value).slice(0, 80)}`,
      { field, expected: 'a positive integer', received: value },
    );
  return value;
}

function checkPrefix(prefix: string): string {
  if (prefix === '' || /[{}\s]/.test(prefix))
    throw new SiphookError(
      'OPTIONS_INVALID',
      `prefix: expected a non-empty name without braces or spaces; received ${JSON.stringify(prefix.slice(0, 80))}`,
      { field: 'prefix', expected: 'a non-empty name without braces or spaces', received: prefix },
    );
  return prefix;
}

/** Parses stored JSON; the store holds only objects, so anything else is a foreign value. */
function parseState(text: string, key: string): CallState {
  let state: unknown;
  try {
    state = JSON.parse(text);
  } catch {
    state = undefined;
  }
  if (typeof state !== 'object' || state === null || Array.isArray(state))
    throw new SiphookError(
      'STORE_FAILED',
      `call state at key ${key}: expected a JSON object; received ${JSON.stringify(text.slice(0, 80))}`,
      { key },
    );
  return state as CallState;
}

/** The JSON of a state; a value JSON cannot hold (a BigInt, a cycle) is the caller's error. */
function stringifyState(state: CallState, callId: string): string {
  try {
    return JSON.stringify(state);
  } catch (error) {
    throw new SiphookError(
      'STORE_FAILED',
      `call ${callId}: the state cannot be saved as JSON: ${(error as Error).message}; expected plain JSON values`,
      { callId },
    );
  }
}

/**
 * Creates the Redis call store and connects it. Each call's state is one JSON string under
 * `<prefix>:{<callId>}:state` with a TTL refreshed on every write; ending a call deletes it.
 * `update` serialises the pushes of one call across instances with a per-call lock (a lease,
 * taken and read in one Lua step; the write checks the lease in the same step), so a dtmf and a
 * hangup racing on two instances never lose a change or bring an ended call back. Commands fail
 * at once while the connection is down (`STORE_UNAVAILABLE`, naming the host) and the client
 * reconnects by itself.
 *
 * @throws {SiphookError} `OPTIONS_INVALID` for a bad URL or option (the URL named without its
 *   password); `STORE_UNAVAILABLE` when Redis cannot be reached at start, unless
 *   `waitForConnection` is set.
 * @example
 * const store = await createRedisCallStore({ url: 'redis://cache:6379/0', prefix: 'hotline' });
 * createWebhookHandler({ store, onNewCall });
 */
export async function createRedisCallStore(
  options: RedisCallStoreOptions = {},
): Promise<RedisCallStore> {
  const redisUrl = parseRedisUrl(options.url ?? DEFAULT_URL);
  const prefix = checkPrefix(options.prefix ?? DEFAULT_PREFIX);
  const ttlMs = positiveInteger(options.ttlMs, DEFAULT_TTL_MS, 'ttlMs');
  const lockMs = positiveInteger(options.lockMs, DEFAULT_LOCK_MS, 'lockMs');
  const connectTimeout = positiveInteger(options.connectTimeoutMs, 5000, 'connectTimeoutMs');
  const wait = options.waitForConnection === true;
  const logger = options.logger;
  const address = `${redisUrl.host}:${redisUrl.port}`;
  const logFields = { store: redisUrl.redacted };

  let connectedOnce = false;
  let down = false;
  let firstFailure: Error | undefined;
  const client = createClient({
    url: redisUrl.url,
    // Fail a command at once while reconnecting: the push gets its fallback answer now, not
    // after sipgate.io has given up waiting.
    disableOfflineQueue: true,
    socket: {
      connectTimeout,
      reconnectStrategy: (retries: number, cause: Error) => {
        if (!connectedOnce && !wait) {
          firstFailure = cause;
          return false;
        }
        return Math.min(MAX_RECONNECT_DELAY_MS, 50 * 2 ** Math.min(retries, 6));
      },
      ...(redisUrl.tls ? { tls: true as const, ...options.tls } : {}),
    },
  });
  // One line per outage, not per retry; an 'error' listener also keeps the process alive.
  client.on('error', (error: Error) => {
    if (down || (!connectedOnce && !wait)) return;
    down = true;
    logger?.warn(
      { ...logFields, err: error.message },
      connectedOnce
        ? 'call store: connection to Redis lost; reconnecting'
        : 'call store: waiting for Redis',
    );
  });
  client.on('ready', () => {
    if (down) logger?.info(logFields, 'call store: connected to Redis');
    down = false;
    connectedOnce = true;
  });
  const stopWaiting = () => client.destroy();
  options.signal?.addEventListener('abort', stopWaiting, { once: true });
  try {
    if (options.signal?.aborted) throw options.signal.reason;
    await client.connect();
  } catch (error) {
    client.destroy();
    if (options.signal?.aborted)
      throw new SiphookError(
        'STORE_UNAVAILABLE',
        `call store: stopped waiting for Redis at ${address}`,
        { address },
      );
    throw firstFailure === undefined
      ? storeError(error, address, 'connecting')
      : unreachable(address, firstFailure);
  } finally {
    options.signal?.removeEventListener('abort', stopWaiting);
  }

  const keysOf = (callId: string) => {
    const base = `${prefix}:{${callId}}`;
    return { state: `${base}:state`, ended: `${base}:ended`, lock: `${base}:lock` };
  };

  /** EVALSHA, loading the script with EVAL when Redis does not know it (first use, restart). */
  const runScript = async (
    script: { source: string; sha: string },
    keys: string[],
    args: string[],
    action: string,
  ): Promise<unknown> => {
    const tail = [String(keys.length), ...keys, ...args];
    try {
      try {
        return await client.sendCommand(['EVALSHA', script.sha, ...tail]);
      } catch (error) {
        if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
        return await client.sendCommand(['EVAL', script.source, ...tail]);
      }
    } catch (error) {
      throw storeError(error, address, action);
    }
  };

  /** Writes JSON (`''` ends the call), checking the lock when a token is given. */
  const write = async (callId: string, json: string, token: string) => {
    const keys = keysOf(callId);
    return runScript(
      WRITE,
      [keys.state, keys.ended, keys.lock],
      [token, json, String(ttlMs), String(Math.min(ttlMs, ENDED_MARKER_MS))],
      json === '' ? `ending call ${callId}` : `saving call ${callId}`,
    );
  };

  return {
    target: redisUrl.redacted,
    prefix,
    async get(callId) {
      const key = keysOf(callId).state;
      let text: string | null;
      try {
        text = (await client.sendCommand(['GET', key])) as string | null;
      } catch (error) {
        throw storeError(error, address, `reading call ${callId}`);
      }
      return text === null ? undefined : parseState(text, key);
    },
    async set(callId, state) {
      await write(callId, stringifyState(state, callId), '');
    },
    async delete(callId) {
      await write(callId, '', '');
    },
    async update(callId, change) {
      const keys = keysOf(callId);
      const token = randomUUID();
      const giveUpAt = Date.now() + lockMs;
      let stored: string | null;
      for (let attempt = 0; ; attempt++) {
        const [taken, value] = (await runScript(
          ACQUIRE,
          [keys.lock, keys.state],
          [token, String(lockMs)],
          `locking call ${callId}`,
        )) as [number, string | number | null];
        if (taken === 1) {
          stored = value as string | null;
          break;
        }
        const left = giveUpAt - Date.now();
        if (left <= 0)
          throw new SiphookError(
            'STORE_LOCKED',
            `call ${callId}: another push held its state for more than lockMs (${lockMs} ms); expected it free within that time`,
            { callId, lockMs },
          );
        // Short, growing pauses: the holder is usually one handler away from done.
        await sleep(Math.min(left, Number(value) || 1, MAX_LOCK_POLL_MS, 2 ** attempt));
      }
      let json: string;
      try {
        const next = await change(stored === null ? undefined : parseState(stored, keys.state));
        json = next === undefined ? '' : stringifyState(next, callId);
      } catch (error) {
        // The lease would end by itself; releasing it now lets the call's next push go ahead.
        await runScript(RELEASE, [keys.lock], [token], `unlocking call ${callId}`).catch(
          () => undefined,
        );
        throw error;
      }
      const written = await write(callId, json, token);
      if (written === 0)
        throw new SiphookError(
          'STORE_LEASE_EXPIRED',
          `call ${callId}: the update took longer than lockMs (${lockMs} ms), so another push may have changed the state; expected it done within its lease; nothing was saved`,
          { callId, lockMs },
        );
    },
    async close() {
      if (client.isOpen) await client.close();
    },
  };
}

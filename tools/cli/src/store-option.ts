import { SiphookError } from '@siphook/schema/errors';
import type { CallStore } from '@siphook/webhook';
import { loadOptionalPackage } from './load-optional-package.js';

/** What `--store` names: each process's own memory, or a Redis shared by every instance. */
export type StoreChoice = { kind: 'memory' } | { kind: 'redis'; url: string; redacted: string };

/** A call store the server command opened, and how to close it when the server stops. */
export interface OpenedStore {
  store: CallStore;
  /** The store as the banner names it: `memory`, or the Redis URL without its password. */
  target: string;
  close(): Promise<void>;
}

/** How to open a Redis store: the flags beside `--store`. */
export interface StoreSettings {
  wait: boolean;
  prefix: string;
  ttlSeconds: number;
  logger: {
    info(fields: object, message: string): void;
    warn(fields: object, message: string): void;
  };
  /** Stops waiting for Redis at start. */
  signal: AbortSignal;
}

const EXPECTED = 'memory, or a redis:// or rediss:// URL';
const REDIS_SCHEME = /^rediss?:\/\//i;
const SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;

const loadRedisStore = () =>
  loadOptionalPackage(
    '@siphook/redis-store',
    'siphook server --store redis://…',
    () => import('@siphook/redis-store'),
  );

/**
 * Reads `--store` (or `SIPHOOK_STORE`). A Redis URL is checked by @siphook/redis-store, which
 * names it without its password; any other URL is named by its scheme only, for the same reason.
 *
 * @throws {SiphookError} `OPTIONS_INVALID` (exit 2), or `PACKAGE_MISSING` for a Redis URL when
 *   @siphook/redis-store is not installed.
 */
export async function parseStoreOption(value: string): Promise<StoreChoice> {
  if (value === 'memory') return { kind: 'memory' };
  if (REDIS_SCHEME.test(value)) {
    const { parseRedisUrl } = await loadRedisStore();
    const { url, redacted } = parseRedisUrl(value);
    return { kind: 'redis', url, redacted };
  }
  const scheme = SCHEME.exec(value)?.[1];
  const received =
    scheme === undefined
      ? JSON.stringify(value.length > 80 ? `${value.slice(0, 79)}…` : value)
      : `a URL with scheme "${scheme}:"`;
  throw new SiphookError('OPTIONS_INVALID', `--store: expected ${EXPECTED}; received ${received}`, {
    field: 'store',
    expected: EXPECTED,
  });
}

/**
 * Opens the store `--store` chose: `undefined` for memory (the webhook's default store, one per
 * process), or a connected Redis store.
 *
 * @throws {SiphookError} `STORE_UNAVAILABLE` naming the host when Redis cannot be reached and
 *   `settings.wait` is off.
 */
export async function openStore(
  choice: StoreChoice,
  settings: StoreSettings,
): Promise<OpenedStore | undefined> {
  if (choice.kind === 'memory') return undefined;
  const { createRedisCallStore } = await loadRedisStore();
  const store = await createRedisCallStore({
    url: choice.url,
    prefix: settings.prefix,
    ttlMs: settings.ttlSeconds * 1000,
    waitForConnection: settings.wait,
    logger: settings.logger,
    signal: settings.signal,
  });
  return { store, target: store.target, close: () => store.close() };
}

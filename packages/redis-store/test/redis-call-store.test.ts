import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createClient } from '@redis/client';
import { isSiphookError } from '@siphook/schema/errors';
import {
  findFreePort,
  hasProgram,
  type RedisServerHandle,
  redisServerOrSkip,
  startRedisServer,
} from '@siphook/test-services';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisCallStore, type RedisCallStore, type StoreLogger } from '../src/index.js';

const haveRedis = redisServerOrSkip('the Redis call store tests');

/** Collects the store's log lines. */
function recordingLogger(): StoreLogger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (_fields, message) => lines.push(message),
    warn: (_fields, message) => lines.push(message),
  };
}

async function rejection(promise: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected a rejection');
}

describe.skipIf(!haveRedis)('createRedisCallStore against a real redis-server', () => {
  let redis: RedisServerHandle;
  let raw: ReturnType<typeof createClient>;
  const stores: RedisCallStore[] = [];
  const open = async (options: Parameters<typeof createRedisCallStore>[0] = {}) => {
    const store = await createRedisCallStore({ url: redis.url, ...options });
    stores.push(store);
    return store;
  };

  beforeAll(async () => {
    redis = await startRedisServer();
    raw = createClient({ url: redis.url });
    raw.on('error', () => {});
    await raw.connect();
  });
  afterAll(async () => {
    await Promise.all(stores.map((store) => store.close()));
    raw.destroy();
    await redis?.close();
  });

  it('keeps state as JSON under <prefix>:{callId}:state with the TTL, per deployment', async () => {
    const hotline = await open({ prefix: 'hotline', ttlMs: 60_000 });
    const sales = await open({ prefix: 'sales' });
    await hotline.set('call-1', { step: 'menu', digits: ['1'] });
    expect(await hotline.get('call-1')).toEqual({ step: 'menu', digits: ['1'] });
    expect(await sales.get('call-1')).toBeUndefined();
    expect(await raw.get('hotline:{call-1}:state')).toBe('{"step":"menu","digits":["1"]}');
    const ttl = await raw.pTTL('hotline:{call-1}:state');
    expect(ttl).toBeGreaterThan(50_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
    await sales.set('call-1', { other: true });
    expect(await raw.pTTL('sales:{call-1}:state')).toBeGreaterThan(2 * 60 * 60 * 1000 - 60_000);
    expect(await hotline.get('call-1')).toEqual({ step: 'menu', digits: ['1'] });
  });

  it('lets state expire after its TTL', async () => {
    const store = await open({ prefix: 'short', ttlMs: 50 });
    await store.set('call-2', { a: 1 });
    await sleep(200);
    expect(await store.get('call-2')).toBeUndefined();
    expect(await raw.exists('short:{call-2}:state')).toBe(0);
  });

  it('deletes the state after hangup, and a late write does not bring the call back', async () => {
    const store = await open({ prefix: 'ended' });
    await store.set('call-3', { a: 1 });
    await store.delete('call-3');
    expect(await raw.exists('ended:{call-3}:state')).toBe(0);
    await store.set('call-3', { late: 'dtmf' });
    await store.update('call-3', (state) => ({ ...state, later: true }));
    expect(await store.get('call-3')).toBeUndefined();
    // Only a short-lived marker is left.
    const marker = await raw.pTTL('ended:{call-3}:ended');
    expect(marker).toBeGreaterThan(0);
    expect(marker).toBeLessThanOrEqual(60_000);
  });

  it('serialises updates of one call across two instances: no change is lost', async () => {
    const a = await open({ prefix: 'race' });
    const b = await open({ prefix: 'race' });
    const increments = 20;
    await Promise.all(
      Array.from({ length: increments }, (_, i) =>
        (i % 2 === 0 ? a : b).update('call-4', async (state) => {
          const count = typeof state?.['count'] === 'number' ? state['count'] : 0;
          await sleep(2); // a handler that awaits: without the lock, reads would interleave
          return { count: count + 1 };
        }),
      ),
    );
    expect(await a.get('call-4')).toEqual({ count: increments });
  });

  it('a hangup racing a dtmf on another instance sees its change, then the call ends', async () => {
    const a = await open({ prefix: 'hangup-race' });
    const b = await open({ prefix: 'hangup-race' });
    await a.set('call-5', { step: 'gather' });
    let seenByHangup: unknown;
    const dtmf = a.update('call-5', async (state) => {
      await sleep(100);
      return { ...state, step: 'dialled' };
    });
    await sleep(10);
    const hangup = b.update('call-5', (state) => {
      seenByHangup = state;
      return undefined;
    });
    await Promise.all([dtmf, hangup]);
    expect(seenByHangup).toEqual({ step: 'dialled' });
    expect(await a.get('call-5')).toBeUndefined();
  });

  it('refuses to save an update that outlived its lease, and frees the call for others', async () => {
    const a = await open({ prefix: 'lease', lockMs: 100 });
    const b = await open({ prefix: 'lease', lockMs: 1000 });
    const slow = a.update('call-6', async () => {
      await sleep(300);
      return { from: 'slow' };
    });
    await sleep(150);
    await b.update('call-6', () => ({ from: 'fast' }));
    const error = await rejection(slow);
    expect(isSiphookError(error, 'STORE_LEASE_EXPIRED')).toBe(true);
    expect(error.message).toContain('call-6');
    expect(await b.get('call-6')).toEqual({ from: 'fast' });
  });

  it('gives up waiting for a call held too long, with STORE_LOCKED', async () => {
    const a = await open({ prefix: 'locked', lockMs: 2000 });
    const b = await open({ prefix: 'locked', lockMs: 100 });
    let release!: () => void;
    const held = a.update(
      'call-7',
      () =>
        new Promise((resolve) => {
          release = () => resolve({ held: true });
        }),
    );
    await sleep(20);
    const error = await rejection(b.update('call-7', () => ({ waited: true })));
    expect(isSiphookError(error, 'STORE_LOCKED')).toBe(true);
    release();
    await held;
    expect(await a.get('call-7')).toEqual({ held: true });
  });

  it('releases the call at once when the change throws', async () => {
    const store = await open({ prefix: 'throws', lockMs: 5000 });
    const error = await rejection(
      store.update('call-8', () => {
        throw new Error('handler failed');
      }),
    );
    expect(error.message).toBe('handler failed');
    expect(await raw.exists('throws:{call-8}:lock')).toBe(0);
    await store.update('call-8', () => ({ next: 'push' }));
    expect(await store.get('call-8')).toEqual({ next: 'push' });
  });

  it('reports state that is not a JSON object as STORE_FAILED, naming the key', async () => {
    const store = await open({ prefix: 'foreign' });
    await raw.set('foreign:{call-9}:state', '[1,2]');
    const error = await rejection(store.get('call-9'));
    expect(isSiphookError(error, 'STORE_FAILED')).toBe(true);
    expect(error.message).toContain('foreign:{call-9}:state');
    await raw.set('foreign:{call-10}:state', 'not json');
    expect(isSiphookError(await rejection(store.get('call-10')), 'STORE_FAILED')).toBe(true);
  });

  it('frees the call when its stored state or the new state is not JSON', async () => {
    const store = await open({ prefix: 'bad-json', lockMs: 5000 });
    await raw.set('bad-json:{call-12}:state', '{broken');
    const broken = await rejection(store.update('call-12', (state) => state));
    expect(isSiphookError(broken, 'STORE_FAILED')).toBe(true);
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    await raw.del('bad-json:{call-12}:state');
    const unsaved = await rejection(store.update('call-12', () => cyclic));
    expect(isSiphookError(unsaved, 'STORE_FAILED')).toBe(true);
    expect(unsaved.message).toContain('cannot be saved as JSON');
    expect(await raw.exists('bad-json:{call-12}:lock')).toBe(0);
  });

  it('loads its scripts again after Redis forgot them', async () => {
    const store = await open({ prefix: 'flushed' });
    await store.update('call-11', () => ({ a: 1 }));
    await raw.scriptFlush();
    await store.update('call-11', (state) => ({ ...state, b: 2 }));
    expect(await store.get('call-11')).toEqual({ a: 1, b: 2 });
  });
});

describe.skipIf(!haveRedis)('the Redis connection', () => {
  it('fails a push at once while Redis is down, logs once, and reconnects by itself', async () => {
    const redis = await startRedisServer();
    const logger = recordingLogger();
    const store = await createRedisCallStore({ url: redis.url, logger });
    try {
      await store.set('call-1', { a: 1 });
      await redis.stop();
      const started = Date.now();
      const error = await rejection(store.update('call-1', (state) => state));
      expect(isSiphookError(error, 'STORE_UNAVAILABLE')).toBe(true);
      expect(error.message).toContain(`Redis at 127.0.0.1:${redis.port}`);
      expect(Date.now() - started).toBeLessThan(2000); // at once, not after a queue timeout
      expect(isSiphookError(await rejection(store.get('call-1')), 'STORE_UNAVAILABLE')).toBe(true);
      expect(logger.lines).toEqual(['call store: connection to Redis lost; reconnecting']);

      await redis.start(); // empty again: nothing was persisted
      let state: unknown = 'unreachable';
      for (let i = 0; i < 100 && state === 'unreachable'; i++) {
        state = await store.get('call-1').catch(() => 'unreachable');
        if (state === 'unreachable') await sleep(100);
      }
      expect(state).toBeUndefined();
      await store.set('call-1', { back: true });
      expect(await store.get('call-1')).toEqual({ back: true });
      expect(logger.lines.at(-1)).toBe('call store: connected to Redis');
    } finally {
      await store.close();
      await redis.close();
    }
  });

  it('names the host when Redis is unreachable at start, without the password', async () => {
    const port = await findFreePort();
    const error = await rejection(
      createRedisCallStore({ url: `redis://app:hunter2@127.0.0.1:${port}/0` }),
    );
    expect(isSiphookError(error, 'STORE_UNAVAILABLE')).toBe(true);
    expect(error.message).toContain(`127.0.0.1:${port}`);
    expect(error.message).not.toContain('hunter2');
  });

  it('waits for Redis at start when asked to', async () => {
    const redis = await startRedisServer();
    await redis.stop();
    const logger = recordingLogger();
    const pending = createRedisCallStore({ url: redis.url, waitForConnection: true, logger });
    await sleep(300);
    await redis.start();
    const store = await pending;
    try {
      await store.set('call-1', { waited: true });
      expect(await store.get('call-1')).toEqual({ waited: true });
      expect(logger.lines).toEqual([
        'call store: waiting for Redis',
        'call store: connected to Redis',
      ]);
    } finally {
      await store.close();
      await redis.close();
    }
  });

  it('stops waiting for Redis when its signal aborts', async () => {
    const port = await findFreePort();
    const controller = new AbortController();
    const pending = createRedisCallStore({
      url: `redis://127.0.0.1:${port}`,
      waitForConnection: true,
      signal: controller.signal,
    });
    await sleep(200);
    controller.abort();
    const error = await rejection(pending);
    expect(isSiphookError(error, 'STORE_UNAVAILABLE')).toBe(true);
    expect(error.message).toBe(`call store: stopped waiting for Redis at 127.0.0.1:${port}`);
  });

  it('refuses calls after close with STORE_UNAVAILABLE', async () => {
    const redis = await startRedisServer();
    const store = await createRedisCallStore({ url: redis.url });
    await store.close();
    try {
      const error = await rejection(store.get('call-1'));
      expect(isSiphookError(error, 'STORE_UNAVAILABLE')).toBe(true);
      expect(error.message).toContain('closed');
    } finally {
      await redis.close();
    }
  });
});

const haveOpenssl = hasProgram('openssl', ['version']);
if (!haveOpenssl)
  console.warn('openssl not found: the rediss:// test is skipped (apt-get install openssl)');

describe.skipIf(!haveRedis || !haveOpenssl)('rediss:// (TLS)', () => {
  it('connects over TLS to a redis-server with a certificate from a private CA', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'siphook-redis-tls-'));
    const file = (name: string) => join(dir, name);
    const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'ignore' });
    openssl(
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-subj',
      '/CN=siphook test CA',
      '-days',
      '1',
      '-keyout',
      file('ca.key'),
      '-out',
      file('ca.pem'),
    );
    openssl(
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-subj',
      '/CN=127.0.0.1',
      '-keyout',
      file('server.key'),
      '-out',
      file('server.csr'),
    );
    await writeFile(file('san.ext'), 'subjectAltName=IP:127.0.0.1\n');
    openssl(
      'x509',
      '-req',
      '-in',
      file('server.csr'),
      '-CA',
      file('ca.pem'),
      '-CAkey',
      file('ca.key'),
      '-CAcreateserial',
      '-days',
      '1',
      '-extfile',
      file('san.ext'),
      '-out',
      file('server.pem'),
    );
    const redis = await startRedisServer({
      tls: { certFile: file('server.pem'), keyFile: file('server.key'), caFile: file('ca.pem') },
    });
    try {
      expect(redis.url.startsWith('rediss://')).toBe(true);
      const store = await createRedisCallStore({
        url: redis.url,
        tls: { ca: await readFile(file('ca.pem'), 'utf8') },
      });
      await store.set('call-1', { secure: true });
      expect(await store.get('call-1')).toEqual({ secure: true });
      await store.close();
      // Without the CA the certificate is not trusted: refused at start, naming the host.
      const error = await rejection(createRedisCallStore({ url: redis.url }));
      expect(isSiphookError(error, 'STORE_UNAVAILABLE')).toBe(true);
      expect(error.message).toContain(`127.0.0.1:${redis.port}`);
    } finally {
      await redis.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

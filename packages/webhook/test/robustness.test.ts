import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { decodeEvent } from '@siphook/schema';
import { describe, expect, it } from 'vitest';
import { type CallStore, createMemoryCallStore, createWebhookHandler } from '../src/index.js';
import { createPushLog } from '../src/push-log.js';
import { captureLogger, eventually, servePushes } from './helpers.js';

const XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>';
const FALLBACK = { actions: [{ action: 'Play' as const, url: 'https://example.com/sorry.wav' }] };
const FALLBACK_XML = `${XML_HEAD}<Response><Play><Url>https://example.com/sorry.wav</Url></Play></Response>`;
const NEW_CALL = 'event=newCall&direction=in&from=492111234567&to=4915791234567&callId=c1';
const HANGUP = 'event=hangup&cause=normalClearing&callId=c1';

const serve = servePushes({ signature: false, fallback: FALLBACK });

const never = <T>(): Promise<T> => new Promise<T>(() => {});

/** A memory store with one call replaced by one that never answers. */
function storeHanging(method: keyof CallStore): CallStore {
  const memory = createMemoryCallStore();
  return {
    get: method === 'get' ? never : (callId) => memory.get(callId),
    set: method === 'set' ? never : (callId, state) => memory.set(callId, state),
    delete: method === 'delete' ? never : (callId) => memory.delete(callId),
  };
}

describe('every call store call falls under the deadline', () => {
  it('answers a hangup push in time when store.delete never settles', async () => {
    const { push, lines } = await serve({
      deadlineMs: 200,
      store: storeHanging('delete'),
      onHangup: () => ({ actions: [{ action: 'Hangup' }] }),
    });
    const reply = await push(HANGUP);
    expect(reply.status).toBe(200);
    // The handler had answered; only forgetting the call is late.
    expect(reply.xml).toBe(`${XML_HEAD}<Response><Hangup/></Response>`);
    expect(reply.ms).toBeLessThan(5_000);
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 40,
        callId: 'c1',
        msg: expect.stringContaining('the call store (delete) did not answer within 200 ms'),
      }),
    );
  });

  it('answers a hangup push without handler in time when store.delete never settles', async () => {
    const { push } = await serve({ deadlineMs: 200, store: storeHanging('delete') });
    const reply = await push(HANGUP);
    expect([reply.status, reply.xml]).toEqual([200, `${XML_HEAD}<Response/>`]);
  });

  it.each(['get', 'set'] as const)(
    'answers the fallback in time when store.%s never settles',
    async (method) => {
      const { push, lines } = await serve({
        deadlineMs: 200,
        store: storeHanging(method),
        onNewCall: () => ({ actions: [{ action: 'Hangup' }] }),
      });
      const reply = await push(NEW_CALL);
      expect([reply.status, reply.xml]).toEqual([200, FALLBACK_XML]);
      expect(lines).toContainEqual(
        expect.objectContaining({
          level: 40,
          msg: expect.stringContaining(`the call store (${method}) did not answer within 200 ms`),
        }),
      );
    },
  );

  it('answers the fallback when the store throws, naming the store call', async () => {
    const failing: CallStore = {
      get: () => {
        throw new Error('redis gone');
      },
      set: () => {},
      delete: () => {},
    };
    const { push, lines } = await serve({ store: failing, onNewCall: () => undefined });
    expect((await push(NEW_CALL)).xml).toBe(FALLBACK_XML);
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 50,
        msg: expect.stringContaining('the call store (get) failed'),
        err: expect.objectContaining({ message: 'redis gone' }),
      }),
    );
  });
});

describe('error logging never throws', () => {
  /** A thrown value whose every property read throws, as a hostile or broken Proxy does. */
  const poisoned = () =>
    new Proxy(
      {},
      {
        get() {
          throw new Error('no reading me');
        },
        getPrototypeOf() {
          throw new Error('no prototype either');
        },
        ownKeys() {
          throw new Error('no keys');
        },
      },
    );

  it.each([
    ['an object whose property reads throw', poisoned],
    [
      'an Error whose message getter throws',
      () => {
        const error = new Error('x');
        Object.defineProperty(error, 'message', {
          get() {
            throw new Error('no message');
          },
        });
        return error;
      },
    ],
    ['a value that cannot be turned into a string', () => Object.create(null)],
  ])('answers the fallback (not 500) when a handler throws %s', async (_name, make) => {
    const { push, lines } = await serve({
      onNewCall: () => {
        throw make();
      },
    });
    const reply = await push(NEW_CALL);
    expect([reply.status, reply.xml]).toEqual([200, FALLBACK_XML]);
    await eventually(() => lines.some((line) => line.level === 50));
    expect((await push(NEW_CALL)).status).toBe(200);
  });

  it('answers the fallback when the handler rejects with such an object', async () => {
    const { push } = await serve({ onNewCall: async () => Promise.reject(poisoned()) });
    expect((await push(NEW_CALL)).xml).toBe(FALLBACK_XML);
  });
});

describe('answers are never larger than a decoder accepts (64 KiB)', () => {
  const urls = (count: number) =>
    Array.from({ length: count }, (_, index) => ({
      action: 'Play' as const,
      url: `https://example.com/${'p'.repeat(900)}/${index}.wav`,
    }));

  it('answers the fallback for a larger response, logging its size', async () => {
    const { push, lines } = await serve({ onNewCall: () => ({ actions: urls(80) }) });
    const reply = await push(NEW_CALL);
    expect([reply.status, reply.xml]).toEqual([200, FALLBACK_XML]);
    const line = lines.find((entry) => entry.level === 50);
    expect(line?.msg).toMatch(/at most 65536 bytes of XML .*received \d{5,} bytes/);
  });

  it('still answers a response just under the limit', async () => {
    const { push } = await serve({ onNewCall: () => ({ actions: urls(60) }) });
    const reply = await push(NEW_CALL);
    expect(reply.xml).toContain('/59.wav</Url>');
    expect(new TextEncoder().encode(reply.xml).byteLength).toBeLessThanOrEqual(65_536);
  });
});

describe('push warnings', () => {
  it('logs the warnings a decoded push carries at warn, and nothing for one without', () => {
    const { logger, lines } = captureLogger('info');
    const log = createPushLog(logger);
    const event = decodeEvent('event=dtmf&dtmf=1&callId=w1');
    log.warnings(event);
    expect(lines).toEqual([]);
    const warnings = [{ path: 'to', expected: 'digits', received: '"1a2b"' }];
    log.warnings({ ...event, warnings } as unknown as typeof event);
    expect(lines).toContainEqual(
      expect.objectContaining({ level: 40, callId: 'w1', event: 'dtmf', warnings }),
    );
  });
});

describe('the memory store keeps nothing of the request body', () => {
  it('holds 2,000 calls of 60 KB pushes in a few MB, not 120 MB', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const store = createMemoryCallStore();
    const { logger } = captureLogger('silent');
    const handler = createWebhookHandler({
      signature: false,
      logger,
      store,
      onDtmf: (event, call) => {
        call.state.digits = event.dtmf;
      },
    });
    const padding = 'x'.repeat(60_000);
    const callId = (index: number) => index.toString(16).padStart(24, '0');
    gc();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < 2_000; i++) {
      // A call id as sipgate.io sends one: 24 hex digits, long enough for V8 to slice it.
      const body = `event=dtmf&dtmf=1&callId=${callId(i)}&pad=${padding}${i}`;
      const response = await handler(
        new Request('http://localhost/', {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body,
        }),
      );
      expect(response.status).toBe(200);
    }
    gc();
    const grown = process.memoryUsage().heapUsed - before;
    expect(store.size).toBe(2_000);
    expect(await store.get(callId(1_999))).toEqual({ digits: '1' });
    expect(grown).toBeLessThan(16 * 1024 * 1024);
  });
});

// Two webhook handlers (two instances) sharing one Redis store: the handler runs inside the
// store's update, so the pushes of one call never interleave, whichever instance takes them.
import { setTimeout as sleep } from 'node:timers/promises';
import {
  type RedisServerHandle,
  redisServerOrSkip,
  startRedisServer,
} from '@siphook/test-services';
import {
  type CallState,
  createWebhookHandler,
  type WebhookHandler,
  type WebhookLogger,
  type WebhookOptions,
} from '@siphook/webhook';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisCallStore, type RedisCallStore } from '../src/index.js';

/** A logger that keeps its lines, for the tests to read. */
function recordingLogger(lines: string[]): WebhookLogger {
  const method = (fields: Record<string, unknown>, message?: string) =>
    void lines.push(`${message ?? ''} ${JSON.stringify(fields)}`);
  const logger: WebhookLogger = {
    debug: () => {},
    info: method,
    warn: method,
    error: method,
    child: () => logger,
  };
  return logger;
}

function push(handler: WebhookHandler, body: string): Promise<Response> {
  return handler(
    new Request('http://127.0.0.1:8080/', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
    }),
  );
}

describe.skipIf(!redisServerOrSkip('the webhook-with-Redis tests'))(
  'webhook handlers on two instances sharing the Redis store',
  () => {
    let redis: RedisServerHandle;
    const stores: RedisCallStore[] = [];
    const lines: string[] = [];
    const instance = async (options: WebhookOptions) => {
      const store = await createRedisCallStore({ url: redis.url, prefix: 'handlers' });
      stores.push(store);
      return createWebhookHandler({
        signature: false,
        publicUrl: 'http://127.0.0.1:8080',
        logger: recordingLogger(lines),
        store,
        ...options,
      });
    };

    beforeAll(async () => {
      redis = await startRedisServer();
    });
    afterAll(async () => {
      await Promise.all(stores.map((store) => store.close()));
      await redis?.close();
    });

    it('a hangup racing a slow dtmf on the other instance sees its state, then the call is gone', async () => {
      let seenByHangup: CallState | undefined;
      const a = await instance({
        onNewCall: (_event, call) => {
          call.state['step'] = 'menu';
        },
        onDtmf: async (event, call) => {
          await sleep(150);
          call.state['pressed'] = event.dtmf;
        },
      });
      const b = await instance({
        onHangup: (_event, call) => {
          seenByHangup = { ...call.state };
        },
      });
      await push(a, 'event=newCall&callId=race-1&from=492111234567&to=4915791234567&direction=in');
      const dtmf = push(a, 'event=dtmf&callId=race-1&dtmf=1');
      await sleep(20);
      const hangup = push(b, 'event=hangup&callId=race-1&cause=normalClearing');
      expect((await dtmf).status).toBe(200);
      expect((await hangup).status).toBe(200);
      expect(seenByHangup).toEqual({ step: 'menu', pressed: '1' });
      expect(await stores[0]!.get('race-1')).toBeUndefined();
    });

    it('answers the fallback when Redis is down, logs it, and serves again once it is back', async () => {
      const a = await instance({
        onNewCall: (_event, call) => {
          call.state['step'] = 'menu';
        },
      });
      await redis.stop();
      const before = lines.length;
      const answer = await push(a, 'event=newCall&callId=down-1&from=1&to=2&direction=in');
      expect(answer.status).toBe(200);
      expect(await answer.text()).toContain('<Response');
      expect(lines.slice(before).join('\n')).toContain('STORE_UNAVAILABLE');
      await redis.start();
      for (let i = 0; i < 100; i++) {
        const again = await push(a, `event=newCall&callId=up-${i}&from=1&to=2&direction=in`);
        expect(again.status).toBe(200);
        if (
          (await stores
            .at(-1)!
            .get(`up-${i}`)
            .catch(() => undefined)) !== undefined
        )
          return;
        await sleep(100);
      }
      throw new Error('the store did not come back');
    });

    it('saves nothing for a handler that outlived the deadline (the caller got the fallback)', async () => {
      const a = await instance({
        deadlineMs: 100,
        onNewCall: async (_event, call) => {
          await sleep(300);
          call.state['late'] = true;
        },
      });
      const answer = await push(a, 'event=newCall&callId=late-1&from=1&to=2&direction=in');
      expect(answer.status).toBe(200);
      await sleep(400);
      expect(await stores.at(-1)!.get('late-1')).toBeUndefined();
    });
  },
);

// The README examples as a user writes them, compiled under the strictest consumer settings
// (exactOptionalPropertyTypes, noUncheckedIndexedAccess, skipLibCheck off) by types.test.ts.
import { createServer } from 'node:http';
import {
  type CallStore,
  createWebhookHandler,
  expressMiddleware,
  fastifyPlugin,
  toNodeListener,
  type WebhookHandler,
} from '@siphook/webhook';
import { honoWebhook } from '@siphook/webhook/hono';
import { dial, gather, hangup, play, reject, response } from '@siphook/xml';

// The root README's composition example.
const composed = createWebhookHandler({
  publicUrl: 'https://your.host/hook',
  onNewCall: () => response({}, gather({ maxDigits: 1 }, play('https://your.host/audio/menu.wav'))),
  onDtmf: (event) => (event.dtmf === '1' ? response({}, hangup()) : undefined),
});
createServer(toNodeListener(composed)).listen(3000);

// The webhook README's first example.
const handler: WebhookHandler = createWebhookHandler({
  publicUrl: 'https://user:secret@hooks.example.com/sipgate',
  signature: false,
  onNewCall: (event, call) => {
    call.state.caller = event.from;
    return {
      actions: [
        {
          action: 'Gather',
          maxDigits: 1,
          timeout: 5000,
          play: { action: 'Play', url: 'https://example.com/menu.wav' },
        },
      ],
    };
  },
  onDtmf: (event, call) => {
    call.log.info({ caller: call.state.caller, dtmf: event.dtmf }, 'menu choice');
    return event.dtmf === '1'
      ? { actions: [{ action: 'Dial', target: { numbers: ['4915799912345'] } }] }
      : { actions: [{ action: 'Hangup' }] };
  },
  onHangup: (event) => {
    console.error(`call ${event.callId} ended: ${event.cause}`);
  },
  fallback: response(reject('busy')),
});

// Builder output in every position, drafts included.
createWebhookHandler({
  publicUrl: 'https://hooks.example.com/sip',
  onNewCall: () => response(gather({ maxDigits: 2 }, play('https://example.com/m.wav')), hangup()),
  onDtmf: (event) => response(event.dtmf === '1' ? dial('4915799912345') : reject('busy')),
});

// A store as the README sketches it.
declare const redis: {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, options: { EX: number }): Promise<unknown>;
  del(key: string): Promise<unknown>;
};
const store: CallStore = {
  get: async (id) => JSON.parse((await redis.get(`call:${id}`)) ?? 'null') ?? undefined,
  set: async (id, state) =>
    void (await redis.set(`call:${id}`, JSON.stringify(state), { EX: 7200 })),
  delete: async (id) => void (await redis.del(`call:${id}`)),
};
createWebhookHandler({ store, allowList: { addresses: ['217.116.118.254'] } });

// The adapters, typed as the frameworks take them.
export const middleware = expressMiddleware(handler);
export const plugin = fastifyPlugin(handler);
export const honoRoute = honoWebhook(handler);

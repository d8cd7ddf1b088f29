import { dial, gather, hangup, play, reject, response } from '@siphook/xml';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type CallStore,
  createMemoryCallStore,
  createWebhookHandler,
  toNodeListener,
  type WebhookOptions,
} from '../src/index.js';
import { CONTRACT_EXAMPLES, captureLogger, eventually, listen, postForm } from './helpers.js';

const XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>';
const EMPTY_XML = `${XML_HEAD}<Response/>`;

type Server = Awaited<ReturnType<typeof listen>>;
const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

async function serve(options: Omit<WebhookOptions, 'logger'>, level = 'debug') {
  const { logger, lines } = captureLogger(level);
  const server = await listen(
    toNodeListener(createWebhookHandler({ signature: false, logger, ...options })),
  );
  servers.push(server);
  const push = async (body: string, path = '/') => {
    const response = await postForm(server.url + path, body);
    return { status: response.status, xml: await response.text() };
  };
  return { url: server.url, push, lines };
}

const newCall = (callId: string) =>
  `event=newCall&direction=in&from=492111234567&to=4915791234567&callId=${callId}&user%5B%5D=Alice`;

describe('handlers', () => {
  it('passes the typed event and a call context, and encodes the returned model', async () => {
    const seen: unknown[] = [];
    const { push } = await serve({
      onNewCall: (event, call) => {
        seen.push([event.event, event.from, event.user, call.callId, call.event === event]);
        return { actions: [{ action: 'Reject', reason: 'busy' }] };
      },
    });
    const { status, xml } = await push(CONTRACT_EXAMPLES.newCall);
    expect(status).toBe(200);
    expect(xml).toBe(`${XML_HEAD}<Response><Reject reason="busy"/></Response>`);
    expect(seen).toEqual([['newCall', '492111234567', ['Alice', 'Bob'], '123456', true]]);
  });

  it('answers an empty <Response/> when a handler returns nothing, or for an event without handler', async () => {
    const { push } = await serve({ onDtmf: () => undefined });
    expect((await push(CONTRACT_EXAMPLES.dtmf)).xml).toBe(EMPTY_XML);
    expect((await push(CONTRACT_EXAMPLES.newCall)).xml).toBe(EMPTY_XML);
  });

  it('runs answer and hangup handlers although their responses are discarded', async () => {
    const ran: string[] = [];
    const { push } = await serve({
      onAnswer: (event) => {
        ran.push(`answer:${event.user}`);
      },
      onHangup: async (event) => {
        ran.push(`hangup:${event.cause}`);
        return { actions: [{ action: 'Hangup' }] };
      },
    });
    expect((await push(CONTRACT_EXAMPLES.answer)).status).toBe(200);
    expect((await push(CONTRACT_EXAMPLES.hangup)).xml).toBe(
      `${XML_HEAD}<Response><Hangup/></Response>`,
    );
    expect(ran).toEqual(['answer:John Doe', 'hangup:normalClearing']);
  });

  it('accepts @siphook/xml builder output, Gather drafts included', async () => {
    const { push } = await serve({
      publicUrl: 'https://hooks.example.com/sip',
      onNewCall: () =>
        response(gather({ maxDigits: 2 }, play('https://example.com/menu.wav')), hangup()),
      onDtmf: (event) => response(event.dtmf === '1' ? dial('4915799912345') : reject('busy')),
    });
    expect((await push(newCall('b1'))).xml).toBe(
      `${XML_HEAD}<Response><Gather onData="https://hooks.example.com/sip/dtmf" maxDigits="2" timeout="2000"><Play><Url>https://example.com/menu.wav</Url></Play></Gather><Hangup/></Response>`,
    );
    expect((await push('event=dtmf&dtmf=1&callId=b1')).xml).toBe(
      `${XML_HEAD}<Response><Dial><Number>4915799912345</Number></Dial></Response>`,
    );
  });

  it('escapes what a handler puts into the XML', async () => {
    const { push } = await serve({
      onNewCall: () => ({
        actions: [{ action: 'Play', url: 'https://example.com/a.wav?x=1&y="2"<' }],
      }),
    });
    expect((await push(newCall('esc'))).xml).toContain(
      '<Url>https://example.com/a.wav?x=1&amp;y=&quot;2&quot;&lt;</Url>',
    );
  });

  it('logs the response XML at debug level only', async () => {
    const debug = await serve({ onNewCall: () => ({ actions: [{ action: 'Hangup' }] }) }, 'debug');
    await debug.push(newCall('dbg'));
    await eventually(() => debug.lines.some((line) => line.xml !== undefined));
    expect(debug.lines).toContainEqual(
      expect.objectContaining({
        level: 20,
        callId: 'dbg',
        xml: `${XML_HEAD}<Response><Hangup/></Response>`,
      }),
    );
    const info = await serve({ onNewCall: () => ({ actions: [{ action: 'Hangup' }] }) }, 'info');
    await info.push(newCall('inf'));
    await eventually(() => info.lines.some((line) => line.status === 200));
    expect(info.lines.some((line) => line.xml !== undefined)).toBe(false);
  });

  it('gives handlers a pino child logger carrying callId', async () => {
    const { push, lines } = await serve({
      onNewCall: (_event, call) => {
        call.log.info({ step: 'greeting' }, 'hello from the handler');
      },
    });
    await push(newCall('log-1'));
    expect(lines).toContainEqual(
      expect.objectContaining({ callId: 'log-1', step: 'greeting', msg: 'hello from the handler' }),
    );
  });
});

describe('per-call state', () => {
  it('persists call.state across the pushes of one callId, separately per call', async () => {
    const store = createMemoryCallStore();
    const { push } = await serve({
      store,
      onNewCall: (event, call) => {
        call.state.caller = event.from;
        call.state.pushes = 1;
        return { actions: [{ action: 'Gather', onData: 'https://example.com/dtmf' }] };
      },
      onDtmf: (event, call) => {
        call.state.pushes = (call.state.pushes as number) + 1;
        call.state.digits = `${(call.state.digits as string | undefined) ?? ''}${event.dtmf}`;
        return {
          actions: [
            {
              action: 'Play',
              url: `https://example.com/${String(call.state.caller)}/${String(call.state.digits)}.wav`,
            },
          ],
        };
      },
    });
    await push(newCall('call-a'));
    await push('event=newCall&direction=in&from=4930111&to=49301&callId=call-b');
    expect((await push('event=dtmf&dtmf=4&callId=call-a')).xml).toContain('/492111234567/4.wav');
    expect((await push('event=dtmf&dtmf=2&callId=call-a')).xml).toContain('/492111234567/42.wav');
    expect((await push('event=dtmf&dtmf=9&callId=call-b')).xml).toContain('/4930111/9.wav');
    expect(await store.get('call-a')).toEqual({ caller: '492111234567', pushes: 3, digits: '42' });
  });

  it('keeps a state object the handler assigns anew', async () => {
    const store = createMemoryCallStore();
    const { push } = await serve({
      store,
      onNewCall: (_event, call) => {
        call.state = { replaced: true };
      },
    });
    await push(newCall('assign'));
    expect(await store.get('assign')).toEqual({ replaced: true });
  });

  it('evicts the state after hangup, with or without a hangup handler', async () => {
    const store = createMemoryCallStore();
    let seenAtHangup: unknown;
    const withHangup = await serve({
      store,
      onNewCall: (_event, call) => {
        call.state.n = 1;
      },
      onHangup: (_event, call) => {
        seenAtHangup = { ...call.state };
      },
    });
    await withHangup.push(newCall('h1'));
    expect(store.size).toBe(1);
    await withHangup.push('event=hangup&cause=normalClearing&callId=h1');
    expect(seenAtHangup).toEqual({ n: 1 });
    expect(store.size).toBe(0);

    const store2 = createMemoryCallStore();
    const without = await serve({
      store: store2,
      onNewCall: (_event, call) => {
        call.state.n = 1;
      },
    });
    await without.push(newCall('h2'));
    expect(store2.size).toBe(1);
    await without.push('event=hangup&cause=cancel&callId=h2');
    expect(store2.size).toBe(0);
  });

  it('works with an async store (the CallStore contract a Redis store follows)', async () => {
    const data = new Map<string, string>();
    const tick = () => new Promise((resolve) => setTimeout(resolve, 1));
    const jsonStore: CallStore = {
      async get(callId) {
        await tick();
        const text = data.get(callId);
        return text === undefined ? undefined : (JSON.parse(text) as Record<string, unknown>);
      },
      async set(callId, state) {
        await tick();
        data.set(callId, JSON.stringify(state));
      },
      async delete(callId) {
        await tick();
        data.delete(callId);
      },
    };
    const { push } = await serve({
      store: jsonStore,
      onNewCall: (_event, call) => {
        call.state.count = 1;
      },
      onDtmf: (_event, call) => {
        call.state.count = (call.state.count as number) + 1;
      },
    });
    await push(newCall('async'));
    await push('event=dtmf&dtmf=1&callId=async');
    expect(data.get('async')).toBe('{"count":2}');
    await push('event=hangup&cause=normalClearing&callId=async');
    expect(data.has('async')).toBe(false);
  });
});

describe('memory call store', () => {
  it('expires state after the TTL (refreshed on each write) and sweeps expired calls', () => {
    let now = 0;
    const store = createMemoryCallStore({ ttlMs: 1000, now: () => now });
    store.set('a', { v: 'a' });
    store.set('b', { v: 'b' });
    now = 900;
    store.set('a', { v: 'a2' }); // refreshed: lives until 1900
    now = 1000;
    expect(store.get('b')).toBeUndefined();
    expect(store.get('a')).toEqual({ v: 'a2' });
    store.set('c', { v: 'c' });
    store.set('d', { v: 'd' });
    now = 2500; // a expired; the next write sweeps the map
    store.set('e', { v: 'e' });
    expect(store.size).toBe(1);
    expect(store.get('a')).toBeUndefined();
    store.delete('e');
    expect(store.size).toBe(0);
  });

  it('evicts the call seen first beyond maxCalls', () => {
    const store = createMemoryCallStore({ maxCalls: 2 });
    store.set('a', { v: 'a' });
    store.set('b', { v: 'b' });
    store.set('a', { v: 'a2' });
    store.set('c', { v: 'c' });
    expect(store.get('a')).toBeUndefined();
    expect(store.get('b')).toEqual({ v: 'b' });
    expect(store.get('c')).toEqual({ v: 'c' });
    expect(store.size).toBe(2);
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { createWebhookHandler, toNodeListener, type WebhookOptions } from '../src/index.js';
import { captureLogger, eventually, listen, postForm } from './helpers.js';

const XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>';
const EMPTY_XML = `${XML_HEAD}<Response/>`;
const NEW_CALL = 'event=newCall&direction=in&from=492111234567&to=4915791234567&callId=c1';

type Server = Awaited<ReturnType<typeof listen>>;
const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

async function serve(options: Omit<WebhookOptions, 'logger'>) {
  const { logger, lines } = captureLogger('info');
  const server = await listen(
    toNodeListener(createWebhookHandler({ signature: false, logger, ...options })),
  );
  servers.push(server);
  const push = async (body: string, path = '/', headers: Record<string, string> = {}) => {
    const response = await postForm(server.url + path, body, headers);
    return { status: response.status, xml: await response.text() };
  };
  return { url: server.url, push, lines };
}

describe('callback wiring from publicUrl', () => {
  it('sets onAnswer and onHangup on the newCall response when those handlers exist', async () => {
    const { push } = await serve({
      publicUrl: 'https://hooks.example.com/sipgate',
      onNewCall: () => ({ actions: [{ action: 'Hangup' }] }),
      onAnswer: () => {},
      onHangup: () => {},
    });
    expect((await push(NEW_CALL)).xml).toBe(
      `${XML_HEAD}<Response onAnswer="https://hooks.example.com/sipgate/answer" onHangup="https://hooks.example.com/sipgate/hangup"><Hangup/></Response>`,
    );
    // Only newCall responses carry them.
    expect((await push('event=dtmf&dtmf=1&callId=c1')).xml).toBe(EMPTY_XML);
  });

  it('wires only the callbacks whose handlers exist, also without onNewCall', async () => {
    const { push } = await serve({ publicUrl: 'https://hooks.example.com/', onHangup: () => {} });
    expect((await push(NEW_CALL)).xml).toBe(
      `${XML_HEAD}<Response onHangup="https://hooks.example.com/hangup"/>`,
    );
  });

  it('sets onData on a Gather that leaves it out, on any response, keeping credentials', async () => {
    const { push } = await serve({
      publicUrl: 'https://user:p%40ss@hooks.example.com:8443/io?tenant=7',
      onNewCall: () => ({
        actions: [
          {
            action: 'Gather',
            maxDigits: 3,
            play: { action: 'Play', url: 'https://example.com/menu.wav' },
          },
        ],
      }),
      onDtmf: () => ({ actions: [{ action: 'Gather' }] }),
    });
    expect((await push(NEW_CALL)).xml).toBe(
      `${XML_HEAD}<Response><Gather onData="https://user:p%40ss@hooks.example.com:8443/io/dtmf?tenant=7" maxDigits="3" timeout="2000"><Play><Url>https://example.com/menu.wav</Url></Play></Gather></Response>`,
    );
    expect((await push('event=dtmf&dtmf=1&callId=c1')).xml).toContain(
      'onData="https://user:p%40ss@hooks.example.com:8443/io/dtmf?tenant=7"',
    );
  });

  it('puts the Basic-auth credentials into callback URLs when publicUrl has none', async () => {
    const { push } = await serve({
      publicUrl: 'https://hooks.example.com/sipgate',
      basicAuth: { username: 'sip gate', password: 'se:cret' },
      onHangup: () => {},
    });
    const response = await postForm((servers.at(-1) as Server).url, NEW_CALL, {
      authorization: `Basic ${Buffer.from('sip gate:se:cret').toString('base64')}`,
    });
    expect(await response.text()).toBe(
      `${XML_HEAD}<Response onHangup="https://sip%20gate:se%3Acret@hooks.example.com/sipgate/hangup"/>`,
    );
    expect((await push(NEW_CALL)).status).toBe(401);
  });

  it('never overwrites URLs the handler gave, and never changes the returned object', async () => {
    const shared = Object.freeze({
      onHangup: 'https://mine.example.com/h',
      actions: Object.freeze([
        Object.freeze({ action: 'Gather' as const, onData: 'https://mine.example.com/d' }),
        Object.freeze({ action: 'Gather' as const }),
      ]),
    });
    const { push } = await serve({
      publicUrl: 'https://hooks.example.com',
      onNewCall: () => shared,
      onAnswer: () => {},
      onHangup: () => {},
    });
    expect((await push(NEW_CALL)).xml).toBe(
      `${XML_HEAD}<Response onAnswer="https://hooks.example.com/answer" onHangup="https://mine.example.com/h"><Gather onData="https://mine.example.com/d" maxDigits="1" timeout="2000"/><Gather onData="https://hooks.example.com/dtmf" maxDigits="1" timeout="2000"/></Response>`,
    );
    expect(shared.actions[1]).toEqual({ action: 'Gather' });
  });

  it('keeps unknown keys while wiring, so validation still names them', async () => {
    const { push, lines } = await serve({
      publicUrl: 'https://hooks.example.com',
      onNewCall: () =>
        ({
          onHangUp: 'https://typo.example.com',
          actions: [{ action: 'Gather', maxDigit: 3 }],
        }) as never,
      onHangup: () => {},
    });
    expect((await push(NEW_CALL)).xml).toBe(
      `${XML_HEAD}<Response onHangup="https://hooks.example.com/hangup"/>`,
    );
    const issues = lines.find((line) => line.level === 50)?.issues as { path: string }[];
    expect(issues.map((issue) => issue.path).sort()).toEqual(['actions[0].maxDigit', 'onHangUp']);
  });

  it('routes each generated URL back to the same handler (any POST path, dispatch on event)', async () => {
    const events: string[] = [];
    const { url, push } = await serve({
      publicUrl: 'http://placeholder.invalid',
      onNewCall: (event) => {
        events.push(event.event);
        return { actions: [{ action: 'Gather' }] };
      },
      onDtmf: (event) => {
        events.push(event.event);
      },
      onAnswer: (event) => {
        events.push(event.event);
      },
      onHangup: (event) => {
        events.push(event.event);
      },
    });
    const xml = (await push(NEW_CALL)).xml;
    for (const [attribute, body] of [
      ['onData', 'event=dtmf&dtmf=1&callId=c1'],
      ['onAnswer', 'event=answer&callId=c1'],
      ['onHangup', 'event=hangup&cause=normalClearing&callId=c1'],
    ] as const) {
      const generated = new RegExp(`${attribute}="([^"]+)"`).exec(xml)?.[1];
      expect(generated).toBeDefined();
      const path = new URL(generated!).pathname;
      expect((await postForm(url + path, body)).status).toBe(200);
    }
    expect(events).toEqual(['newCall', 'dtmf', 'answer', 'hangup']);
  });

  it('without publicUrl, a Gather without onData is a handler error: fallback and error log', async () => {
    const { push, lines } = await serve({ onNewCall: () => ({ actions: [{ action: 'Gather' }] }) });
    const { status, xml } = await push(NEW_CALL);
    expect(status).toBe(200);
    expect(xml).toBe(EMPTY_XML);
    expect(lines).toContainEqual(
      expect.objectContaining({ level: 50, callId: 'c1', msg: expect.stringContaining('onData') }),
    );
  });

  it('with trustHostHeader, derives callback URLs from Host and X-Forwarded-*', async () => {
    const { push, url } = await serve({
      trustHostHeader: true,
      onNewCall: () => ({ actions: [{ action: 'Gather' }] }),
      onHangup: () => {},
    });
    const port = new URL(url).port;
    expect((await push(NEW_CALL, '/hook')).xml).toBe(
      `${XML_HEAD}<Response onHangup="http://127.0.0.1:${port}/hook/hangup"><Gather onData="http://127.0.0.1:${port}/hook/dtmf" maxDigits="1" timeout="2000"/></Response>`,
    );
    const behindProxy = await push(NEW_CALL, '/hook/dtmf?x=1', {
      'x-forwarded-host': 'public.example.com',
      'x-forwarded-proto': 'https',
    });
    expect(behindProxy.xml).toContain('onData="https://public.example.com/hook/dtmf"');
  });
});

describe('frozen handler results (encoded once, per callback URLs)', () => {
  const DTMF = 'event=dtmf&dtmf=1&callId=c1';

  it('answers a deeply frozen constant the same each time, wired per event and per host', async () => {
    const answer = Object.freeze({
      actions: Object.freeze([Object.freeze({ action: 'Gather' as const, maxDigits: 1 })]),
    });
    const { push, url } = await serve({
      trustHostHeader: true,
      onNewCall: () => answer,
      onDtmf: () => answer,
      onHangup: () => {},
    });
    const port = new URL(url).port;
    const newCallXml = `${XML_HEAD}<Response onHangup="http://127.0.0.1:${port}/a/hangup"><Gather onData="http://127.0.0.1:${port}/a/dtmf" maxDigits="1" timeout="2000"/></Response>`;
    for (let i = 0; i < 3; i++) expect((await push(NEW_CALL, '/a')).xml).toBe(newCallXml);
    // Not a newCall: no onHangup.
    expect((await push(DTMF, '/a')).xml).toBe(
      `${XML_HEAD}<Response><Gather onData="http://127.0.0.1:${port}/a/dtmf" maxDigits="1" timeout="2000"/></Response>`,
    );
    // Another base, another answer, then the first again.
    expect((await push(NEW_CALL, '/b')).xml).toContain(`onData="http://127.0.0.1:${port}/b/dtmf"`);
    expect((await push(NEW_CALL, '/a')).xml).toBe(newCallXml);
  });

  it('encodes again every time when anything inside can change', async () => {
    const play = { action: 'Play' as const, url: 'https://example.com/1.wav' };
    const shallow = Object.freeze({ actions: Object.freeze([play]) });
    let n = 1;
    const withGetter = Object.freeze({
      get actions() {
        return [{ action: 'Play' as const, url: `https://example.com/${n}.wav` }];
      },
    });
    let model: object = shallow;
    const { push } = await serve({ onNewCall: () => model as never });
    expect((await push(NEW_CALL)).xml).toContain('https://example.com/1.wav');
    play.url = 'https://example.com/2.wav';
    expect((await push(NEW_CALL)).xml).toContain('https://example.com/2.wav');
    model = withGetter;
    expect((await push(NEW_CALL)).xml).toContain('https://example.com/1.wav');
    n = 3;
    expect((await push(NEW_CALL)).xml).toContain('https://example.com/3.wav');
  });

  it('keeps answering the fallback for an invalid frozen result, with an error each time', async () => {
    const invalid = Object.freeze({
      actions: Object.freeze([Object.freeze({ action: 'Play', url: 'not a url' })]),
    });
    const { push, lines } = await serve({ onNewCall: () => invalid as never });
    for (let i = 0; i < 2; i++) expect((await push(NEW_CALL)).xml).toBe(EMPTY_XML);
    expect(lines.filter((line) => line.level === 50)).toHaveLength(2);
  });
});

describe('deadline and fallback', () => {
  const FALLBACK = { actions: [{ action: 'Play' as const, url: 'https://example.com/sorry.wav' }] };
  const FALLBACK_XML = `${XML_HEAD}<Response><Play><Url>https://example.com/sorry.wav</Url></Play></Response>`;

  async function serveFailing(onNewCall: WebhookOptions['onNewCall']) {
    let calls = 0;
    const server = await serve({
      deadlineMs: 100,
      fallback: FALLBACK,
      onNewCall: (event, call) => {
        calls++;
        // Every other call is healthy: the handler must keep serving after a failure.
        if (event.callId === 'ok') return { actions: [{ action: 'Hangup' }] };
        return onNewCall!(event, call);
      },
    });
    return { ...server, calls: () => calls };
  }

  const healthy = 'event=newCall&direction=in&from=1&to=2&callId=ok';
  const healthyXml = `${XML_HEAD}<Response><Hangup/></Response>`;

  it('answers the fallback and logs an error when the handler throws', async () => {
    const { push, lines } = await serveFailing(() => {
      throw new Error('database down');
    });
    expect(await push(NEW_CALL)).toEqual({ status: 200, xml: FALLBACK_XML });
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 50,
        callId: 'c1',
        err: expect.objectContaining({ message: 'database down' }),
      }),
    );
    expect((await push(healthy)).xml).toBe(healthyXml);
  });

  it('answers the fallback and logs an error when the handler rejects', async () => {
    const { push, lines } = await serveFailing(async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      throw new TypeError('boom');
    });
    expect(await push(NEW_CALL)).toEqual({ status: 200, xml: FALLBACK_XML });
    expect(lines).toContainEqual(
      expect.objectContaining({ level: 50, err: expect.objectContaining({ type: 'TypeError' }) }),
    );
    expect((await push(healthy)).xml).toBe(healthyXml);
  });

  it('answers the fallback after deadlineMs and logs a warning when the handler never settles', async () => {
    const { push, lines } = await serveFailing(() => new Promise(() => {}));
    const started = performance.now();
    expect(await push(NEW_CALL)).toEqual({ status: 200, xml: FALLBACK_XML });
    expect(performance.now() - started).toBeGreaterThanOrEqual(95);
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 40,
        callId: 'c1',
        deadlineMs: 100,
        msg: expect.stringContaining('did not answer within 100 ms'),
      }),
    );
    const again = await Promise.all([push(NEW_CALL), push(healthy), push(NEW_CALL)]);
    expect(again.map((reply) => reply.xml)).toEqual([FALLBACK_XML, healthyXml, FALLBACK_XML]);
  });

  it('answers the fallback and logs the issues when the handler returns an invalid model', async () => {
    const { push, lines } = await serveFailing(
      () => ({ actions: [{ action: 'Dial', target: { numbers: ['+49 211'] } }] }) as never,
    );
    expect(await push(NEW_CALL)).toEqual({ status: 200, xml: FALLBACK_XML });
    const line = lines.find((entry) => entry.level === 50);
    expect(line?.msg).toContain('onNewCall returned an invalid response');
    expect(line?.issues).toContainEqual(
      expect.objectContaining({ path: 'actions[0].target.numbers[0]' }),
    );
    expect((await push(healthy)).xml).toBe(healthyXml);
  });

  it.each([
    ['a string', 'hello'],
    ['a number', 42],
    ['an unknown action', { actions: [{ action: 'Say', text: 'hi' }] }],
  ])('answers the fallback when the handler returns %s', async (_name, value) => {
    const { push } = await serveFailing(() => value as never);
    expect((await push(NEW_CALL)).xml).toBe(FALLBACK_XML);
  });

  it('keeps wiring the fallback of a newCall, so the hangup handler still runs', async () => {
    const { push } = await serve({
      publicUrl: 'https://hooks.example.com',
      onNewCall: () => {
        throw new Error('x');
      },
      onHangup: () => {},
    });
    expect((await push(NEW_CALL)).xml).toBe(
      `${XML_HEAD}<Response onHangup="https://hooks.example.com/hangup"/>`,
    );
  });

  it('wires a fallback Gather from request headers, and never from a made-up URL', async () => {
    const { push, url } = await serve({
      trustHostHeader: true,
      fallback: { actions: [{ action: 'Gather' }] },
      onNewCall: () => {
        throw new Error('x');
      },
    });
    const port = new URL(url).port;
    expect((await push(NEW_CALL, '/in')).xml).toBe(
      `${XML_HEAD}<Response><Gather onData="http://127.0.0.1:${port}/in/dtmf" maxDigits="1" timeout="2000"/></Response>`,
    );
    const unusable = await push(NEW_CALL, '/in', { 'x-forwarded-host': 'bad host!' });
    expect(unusable.xml).toBe(EMPTY_XML);
    const { logger } = captureLogger('silent');
    expect(() =>
      createWebhookHandler({ logger, fallback: { actions: [{ action: 'Gather' }] } }),
    ).toThrow(/fallback: expected a valid response model.*onData/);
  });

  it('refuses an invalid fallback, publicUrl or limit when the handler is created', () => {
    const { logger } = captureLogger('silent');
    expect(() =>
      createWebhookHandler({
        logger,
        fallback: { actions: [{ action: 'Reject', reason: 'maybe' as never }] },
      }),
    ).toThrow(/fallback: expected a valid response model/);
    expect(() => createWebhookHandler({ logger, publicUrl: 'ftp://x' })).toThrow(
      /publicUrl: expected an absolute http\(s\) URL/,
    );
    expect(() => createWebhookHandler({ logger, deadlineMs: 0 })).toThrow(
      /deadlineMs: expected a positive integer; received 0/,
    );
    expect(() =>
      createWebhookHandler({ logger, signature: { publicKeys: ['not a key'] } }),
    ).toThrow(/signature\.publicKeys\[0\]: expected an RSA public key/);
  });

  it('logs the fallback answer of every failing request, also under load', async () => {
    const { push, lines, calls } = await serveFailing(() => {
      throw new Error('always');
    });
    const replies = await Promise.all(Array.from({ length: 20 }, () => push(NEW_CALL)));
    expect(replies.every((reply) => reply.xml === FALLBACK_XML)).toBe(true);
    expect(calls()).toBe(20);
    await eventually(() => lines.filter((line) => line.level === 50).length === 20);
  });
});

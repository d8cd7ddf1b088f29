import type { AddressInfo } from 'node:net';
import express from 'express';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createWebhookHandler,
  expressMiddleware,
  fastifyPlugin,
  type WebhookHandler,
} from '../src/index.js';
import {
  CONTRACT_EXAMPLES,
  captureLogger,
  createTestKeys,
  postForm,
  readCapture,
  signBody,
} from './helpers.js';

const XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>';
const capture = readCapture('signed-newcall-request.http');
const keys = createTestKeys();

function makeHandler(): WebhookHandler {
  const { logger } = captureLogger('silent');
  return createWebhookHandler({
    logger,
    publicUrl: 'https://hooks.example.com/sipgate',
    signature: { publicKeys: [keys.publicKey] },
    onNewCall: (event) => ({ actions: [{ action: 'Dial', target: { numbers: [event.to] } }] }),
    onHangup: () => {},
  });
}

/** The same checks against any framework mounting the handler at `${base}`. */
function sharedChecks(base: () => string) {
  it('answers a signed newCall with XML (callbacks wired)', async () => {
    const body = CONTRACT_EXAMPLES.newCall;
    const response = await postForm(base(), body, {
      'x-sipgate-signature': signBody(body, keys.privateKey),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/xml; charset=utf-8');
    expect(await response.text()).toBe(
      `${XML_HEAD}<Response onHangup="https://hooks.example.com/sipgate/hangup"><Dial><Number>4915791234567</Number></Dial></Response>`,
    );
  });

  it('answers a push on a sub-path (callback URLs route back)', async () => {
    const body = CONTRACT_EXAMPLES.hangup;
    const response = await postForm(`${base()}/hangup`, body, {
      'x-sipgate-signature': signBody(body, keys.privateKey),
    });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(`${XML_HEAD}<Response/>`);
  });

  it('refuses a changed body (401), JSON (415), GET (405), 1 MB (413), unknown event (400)', async () => {
    const body = CONTRACT_EXAMPLES.newCall;
    const signature = signBody(body, keys.privateKey);
    const changed = await postForm(base(), body.replace('Alice', 'Alicf'), {
      'x-sipgate-signature': signature,
    });
    expect(changed.status).toBe(401);
    const json = await fetch(base(), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"event":"newCall"}',
    });
    expect(json.status).toBe(415);
    const get = await fetch(base());
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    const big = await postForm(base(), 'a'.repeat(1024 * 1024));
    expect(big.status).toBe(413);
    const unknown = 'event=ring&callId=1';
    const ring = await postForm(base(), unknown, {
      'x-sipgate-signature': signBody(unknown, keys.privateKey),
    });
    expect(ring.status).toBe(400);
    for (const response of [changed, json, get, big, ring]) {
      expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(((await response.json()) as { error: { code: string } }).error.code).toMatch(
        /^[A-Z_]+$/,
      );
    }
    // …and the next request is answered normally.
    const next = await postForm(base(), body, { 'x-sipgate-signature': signature });
    expect(next.status).toBe(200);
    await next.arrayBuffer();
  });
}

describe('Express 5', () => {
  let server: ReturnType<ReturnType<typeof express>['listen']>;
  let url = '';
  beforeAll(async () => {
    const app = express();
    app.get('/health', (_request, response) => {
      response.send('ok');
    });
    app.use('/sipgate', expressMiddleware(makeHandler()));
    app.use('/raw', express.raw({ type: '*/*' }), expressMiddleware(makeHandler()));
    app.use('/parsed', express.urlencoded({ extended: false }), expressMiddleware(makeHandler()));
    app.use('/app-json', express.json(), expressMiddleware(makeHandler()));
    await new Promise<void>((resolve) => {
      server = app.listen(0, '127.0.0.1', () => resolve());
    });
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );

  sharedChecks(() => `${url}/sipgate`);

  it('verifies the real signed capture behind express.raw()', async () => {
    const { logger } = captureLogger('silent');
    const app = express();
    app.use(express.raw({ type: '*/*' }), expressMiddleware(createWebhookHandler({ logger })));
    const local = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => local.once('listening', resolve));
    try {
      const response = await fetch(
        `http://127.0.0.1:${(local.address() as AddressInfo).port}${capture.path}`,
        {
          method: 'POST',
          headers: {
            'content-type': capture.headers['content-type']!,
            'x-sipgate-signature': capture.headers['x-sipgate-signature']!,
          },
          body: capture.body,
        },
      );
      expect(response.status).toBe(200);
      expect(await response.text()).toBe(`${XML_HEAD}<Response/>`);
    } finally {
      local.closeAllConnections();
      local.close();
    }
  });

  it('leaves other routes to Express', async () => {
    expect(await (await fetch(`${url}/health`)).text()).toBe('ok');
  });

  it('answers a JSON push 415 even when an app-wide express.json() parsed it first', async () => {
    const response = await fetch(`${url}/app-json`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ event: 'newCall', callId: '1' }),
    });
    expect(response.status).toBe(415);
    await response.arrayBuffer();
    const next = await postForm(`${url}/app-json`, CONTRACT_EXAMPLES.newCall, {
      'x-sipgate-signature': signBody(CONTRACT_EXAMPLES.newCall, keys.privateKey),
    });
    expect(next.status).toBe(200);
    await next.arrayBuffer();
  });

  it('reports a form body another parser consumed as a 500, instead of guessing', async () => {
    const body = CONTRACT_EXAMPLES.newCall;
    const response = await postForm(`${url}/parsed`, body, {
      'x-sipgate-signature': signBody(body, keys.privateKey),
    });
    expect(response.status).toBe(500);
    await response.arrayBuffer();
  });
});

describe('Express 5 with express.raw()', () => {
  let server: ReturnType<ReturnType<typeof express>['listen']>;
  let url = '';
  beforeAll(async () => {
    const app = express();
    app.use('/raw', express.raw({ type: '*/*', limit: '2mb' }), expressMiddleware(makeHandler()));
    await new Promise<void>((resolve) => {
      server = app.listen(0, '127.0.0.1', () => resolve());
    });
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  sharedChecks(() => `${url}/raw`);
});

describe('Fastify 5', () => {
  const app = Fastify();
  let url = '';
  beforeAll(async () => {
    app.get('/health', async () => 'ok');
    app.post('/json', async (request) => request.body);
    await app.register(fastifyPlugin(makeHandler()), { prefix: '/sipgate' });
    url = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(() => app.close());

  sharedChecks(() => `${url}/sipgate`);

  it('verifies the real signed capture', async () => {
    const { logger } = captureLogger('silent');
    const local = Fastify();
    await local.register(fastifyPlugin(createWebhookHandler({ logger })));
    const localUrl = await local.listen({ port: 0, host: '127.0.0.1' });
    try {
      const response = await fetch(`${localUrl}${capture.path}`, {
        method: 'POST',
        headers: {
          'content-type': capture.headers['content-type']!,
          'x-sipgate-signature': capture.headers['x-sipgate-signature']!,
        },
        body: capture.body,
      });
      expect(response.status).toBe(200);
      expect(await response.text()).toBe(`${XML_HEAD}<Response/>`);
    } finally {
      await local.close();
    }
  });

  it('keeps its content-type parsers to itself (JSON still parsed elsewhere)', async () => {
    const response = await fetch(`${url}/json`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"a":1}',
    });
    expect(await response.json()).toEqual({ a: 1 });
    expect(await (await fetch(`${url}/health`)).text()).toBe('ok');
  });
});

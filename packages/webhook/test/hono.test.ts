import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { honoWebhook, remoteAddressOf } from '../src/hono.js';
import { createWebhookHandler } from '../src/index.js';
import { CONTRACT_EXAMPLES, captureLogger, postForm } from './helpers.js';

const XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>';

describe('Hono 4 on @hono/node-server', () => {
  let url = '';
  let close: () => Promise<void>;
  beforeAll(async () => {
    const { logger } = captureLogger('silent');
    const handlerFor = (addresses: string[]) =>
      honoWebhook(
        createWebhookHandler({
          logger,
          signature: false,
          publicUrl: 'https://hooks.example.com/sipgate',
          allowList: { addresses },
          onNewCall: (event) => ({
            actions: [{ action: 'Dial', target: { numbers: [event.to] } }],
          }),
          onHangup: () => {},
        }),
      );
    const app = new Hono();
    app.post('/sipgate', handlerFor(['127.0.0.1', '::1']));
    app.post('/sipgate/*', handlerFor(['127.0.0.1', '::1']));
    app.post('/elsewhere', handlerFor(['217.116.118.254']));
    app.get('/health', (c) => c.text('ok'));
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise((resolve) => server.once('listening', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () => new Promise((resolve) => server.close(() => resolve()));
  });
  afterAll(() => close());

  it('fills in the socket address, so the allow-list lets the listed caller in', async () => {
    const response = await postForm(`${url}/sipgate`, CONTRACT_EXAMPLES.newCall);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(
      `${XML_HEAD}<Response onHangup="https://hooks.example.com/sipgate/hangup"><Dial><Number>4915791234567</Number></Dial></Response>`,
    );
    const hangup = await postForm(`${url}/sipgate/hangup`, CONTRACT_EXAMPLES.hangup);
    expect([hangup.status, await hangup.text()]).toEqual([200, `${XML_HEAD}<Response/>`]);
  });

  it('refuses a caller the allow-list does not name (403, JSON)', async () => {
    const response = await postForm(`${url}/elsewhere`, CONTRACT_EXAMPLES.newCall);
    expect(response.status).toBe(403);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
      'ADDRESS_NOT_ALLOWED',
    );
    expect(await (await fetch(`${url}/health`)).text()).toBe('ok');
  });
});

describe('remoteAddressOf on each runtime under Hono', () => {
  const request = (init?: RequestInit, cf?: object) => {
    const raw = new Request('http://x/', init);
    if (cf !== undefined) Object.defineProperty(raw, 'cf', { value: cf });
    return raw;
  };

  it('reads Bun (server.requestIP) and Deno (info.remoteAddr)', () => {
    const raw = request();
    const bun = {
      requestIP: (seen: Request) => (seen === raw ? { address: '203.0.113.7' } : null),
    };
    expect(remoteAddressOf({ req: { raw }, env: bun })).toBe('203.0.113.7');
    const deno = { remoteAddr: { hostname: '2001:db8::7', port: 5000, transport: 'tcp' } };
    expect(remoteAddressOf({ req: { raw }, env: deno })).toBe('2001:db8::7');
  });

  it('believes CF-Connecting-IP only on a request Cloudflare marked with cf', () => {
    const headers = { 'cf-connecting-ip': '198.51.100.9' };
    expect(remoteAddressOf({ req: { raw: request({ headers }, { colo: 'FRA' }) }, env: {} })).toBe(
      '198.51.100.9',
    );
    expect(remoteAddressOf({ req: { raw: request({ headers }) }, env: {} })).toBeUndefined();
  });
});

import { generateKeyPairSync, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { type Logger, pino } from 'pino';
import { afterEach } from 'vitest';
import { createWebhookHandler, toNodeListener, type WebhookOptions } from '../src/index.js';

/** The captured live push: its headers (lower-case names) and its exact body bytes. */
export interface CapturedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer;
}

/** Reads a `.http` capture (request line, headers, blank line, body) from test/fixtures. */
export function readCapture(name: string): CapturedRequest {
  const raw = readFileSync(new URL(`./fixtures/${name}`, import.meta.url));
  const split = raw.indexOf('\n\n');
  const head = raw.subarray(0, split).toString('latin1').split('\n');
  const [method, path] = head[0]!.split(' ');
  const headers: Record<string, string> = {};
  for (const line of head.slice(1)) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { method: method!, path: path!, headers, body: raw.subarray(split + 2) };
}

/** A real HTTP server on 127.0.0.1, port 0. */
export async function listen(
  listener: RequestListener,
): Promise<{ url: string; server: Server; close: () => Promise<void> }> {
  const server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A pino logger writing JSON lines into an array the test reads. */
export function captureLogger(level = 'debug'): {
  logger: Logger;
  lines: Record<string, unknown>[];
} {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.trim() !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
      }
      callback();
    },
  });
  return { logger: pino({ level }, stream), lines };
}

/** A fresh RSA key pair, PEM, like the simulator's test keys. */
export function createTestKeys(): { publicKey: string; privateKey: string } {
  return generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
}

/** Signs a body like sipgate.io: RSA PKCS#1 v1.5, SHA-256, base64. */
export function signBody(body: string | Uint8Array, privateKey: string): string {
  return sign('sha256', typeof body === 'string' ? Buffer.from(body) : body, privateKey).toString(
    'base64',
  );
}

/** POSTs a form body. */
export function postForm(
  url: string,
  body: string | Uint8Array,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body,
  });
}

/** The contract's curl examples (`curl -X POST --data "…"`), as curl sends them. */
export const CONTRACT_EXAMPLES = {
  newCall:
    'from=492111234567&to=4915791234567&direction=in&event=newCall&callId=123456&user[]=Alice&user[]=Bob',
  answer: 'event=answer&callId=123456&user=John+Doe',
  hangup: 'event=hangup&cause=normalClearing&callId=123456',
  dtmf: 'event=dtmf&dtmf=1&callId=123456',
} as const;

/** Waits until `check` holds, polling; for log lines written after a response went out. */
export async function eventually(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/**
 * `serve(options)` starts a handler with these defaults on node:http, logging into `lines`; its
 * `push(body)` posts a form and reads the answer. Servers close after each test.
 */
export function servePushes(defaults: Omit<WebhookOptions, 'logger'>) {
  const servers: Awaited<ReturnType<typeof listen>>[] = [];
  afterEach(async () => {
    for (const server of servers.splice(0)) await server.close();
  });
  return async (options: Omit<WebhookOptions, 'logger'>, level = 'info') => {
    const { logger, lines } = captureLogger(level);
    const server = await listen(
      toNodeListener(createWebhookHandler({ ...defaults, logger, ...options })),
    );
    servers.push(server);
    const push = async (body: string) => {
      const started = performance.now();
      const response = await postForm(server.url, body);
      return {
        status: response.status,
        xml: await response.text(),
        ms: performance.now() - started,
      };
    };
    return { url: server.url, push, lines };
  };
}

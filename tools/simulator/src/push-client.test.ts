import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPushClient } from './push-client.js';
import { generateTestKeyPair, loadPrivateKey, signBody } from './sign-body.js';

let server: Server;
let base: string;
const seen: { headers: IncomingMessage['headers']; body: string }[] = [];

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      seen.push({ headers: req.headers, body: Buffer.concat(chunks).toString() });
      if (req.url === '/slow') {
        setTimeout(() => res.end('<Response/>'), 600);
      } else if (req.url === '/big') {
        res.end('x'.repeat(100_000));
      } else if (req.url === '/redirect') {
        res.writeHead(302, { location: '/ok' }).end();
      } else if (req.url === '/drop') {
        req.socket.destroy();
      } else {
        res.writeHead(200, { 'content-type': 'application/xml' }).end('<Response/>');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('createPushClient', () => {
  it('sends the live headers, the exact body and its signature', async () => {
    const client = createPushClient({ timeoutMs: 5000, maxBodyBytes: 65536 });
    const keyPair = generateTestKeyPair({ modulusLength: 1024 });
    const body = 'event=newCall&callId=1&user%5B%5D=Alice';
    const result = await client.send({
      target: { url: `${base}/ok`, authorization: 'Basic YTpi' },
      body,
      signKey: loadPrivateKey(keyPair.privateKey),
    });
    await client.close();
    expect(result).toMatchObject({ kind: 'response', status: 200, contentType: 'application/xml' });
    const request = seen.at(-1);
    expect(request?.body).toBe(body);
    expect(request?.headers).toMatchObject({
      'user-agent': 'sipgate.io',
      'content-type': 'application/x-www-form-urlencoded; charset=UTF-8',
      accept: 'application/xml, text/plain, text/html',
      authorization: 'Basic YTpi',
      'x-sipgate-signature': signBody(body, keyPair.privateKey),
    });
  });

  it('gives up at the deadline', async () => {
    const client = createPushClient({ timeoutMs: 150, maxBodyBytes: 65536 });
    const result = await client.send({ target: { url: `${base}/slow` }, body: 'a=1' });
    await client.close();
    expect(result).toMatchObject({ kind: 'error', code: 'TIMEOUT' });
  });

  it('reads no more than the cap and says the body was cut', async () => {
    const client = createPushClient({ timeoutMs: 5000, maxBodyBytes: 1000 });
    const result = await client.send({ target: { url: `${base}/big` }, body: 'a=1' });
    await client.close();
    expect(result.kind === 'response' && [result.body.length, result.truncated]).toEqual([
      1000,
      true,
    ]);
  });

  it('does not follow redirects', async () => {
    const client = createPushClient({ timeoutMs: 5000, maxBodyBytes: 1000 });
    const before = seen.length;
    const result = await client.send({ target: { url: `${base}/redirect` }, body: 'a=1' });
    await client.close();
    expect(result).toMatchObject({ kind: 'response', status: 302 });
    expect(seen.length).toBe(before + 1);
  });

  it('names a refused connection and a dropped one', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const client = createPushClient({ timeoutMs: 5000, maxBodyBytes: 1000 });
    expect(
      await client.send({ target: { url: `http://127.0.0.1:${port}/` }, body: 'a=1' }),
    ).toMatchObject({
      kind: 'error',
      code: 'CONNECTION_REFUSED',
    });
    expect(await client.send({ target: { url: `${base}/drop` }, body: 'a=1' })).toMatchObject({
      kind: 'error',
      code: 'CONNECTION_DROPPED',
    });
    await client.close();
  });
});

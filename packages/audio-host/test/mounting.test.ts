import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AudioHost, createAudioHost } from '../src/index.js';
import { listen, makeTempDir, makeWav, rawRequest } from './helpers.js';

let temp: Awaited<ReturnType<typeof makeTempDir>>;
const welcome = makeWav({ seconds: 1 });

beforeAll(async () => {
  temp = await makeTempDir('mount');
  await writeFile(join(temp.dir, 'welcome.wav'), welcome);
});
afterAll(() => temp.remove());

describe('mounted under /audio with basePath', () => {
  let host: AudioHost;
  let http: Awaited<ReturnType<typeof listen>>;

  beforeAll(async () => {
    host = await createAudioHost({
      root: temp.dir,
      publicUrl: 'http://127.0.0.1:1/audio',
      basePath: '/audio',
    });
    http = await listen((req, res) => {
      if (req.url?.startsWith('/audio/')) return host.handle(req, res);
      res.writeHead(200, { 'Content-Type': 'text/plain' }).end('webhook');
    });
  });
  afterAll(async () => {
    await http.close();
    await host.close();
  });

  it('serves under the prefix and builds URLs with it', async () => {
    expect(host.urlFor('welcome')).toMatch(
      /^http:\/\/127\.0\.0\.1:1\/audio\/welcome\.[0-9a-f]{8}\.wav$/,
    );
    const response = await rawRequest(http.port, new URL(host.urlFor('welcome')).pathname);
    expect(response.status).toBe(200);
    expect(response.body.equals(welcome)).toBe(true);
    expect((await rawRequest(http.port, '/audio/welcome.wav')).status).toBe(200);
  });

  it('answers 404 outside the prefix when called directly', async () => {
    const direct = await listen(host.handle);
    try {
      expect((await rawRequest(direct.port, '/welcome.wav')).status).toBe(404);
      expect((await rawRequest(direct.port, '/audiowelcome.wav')).status).toBe(404);
      expect((await rawRequest(direct.port, '/audio/../welcome.wav')).status).toBe(400);
      expect((await rawRequest(direct.port, '/audio/welcome.wav')).status).toBe(200);
    } finally {
      await direct.close();
    }
  });
});

describe('fetch-style handler', () => {
  let host: AudioHost;
  beforeAll(async () => {
    host = await createAudioHost({ root: temp.dir, publicUrl: 'http://127.0.0.1:1' });
  });
  afterAll(() => host.close());

  it('answers Request with Response: 200, 206, 304, 405, 404', async () => {
    const full = await host.fetch(new Request('http://audio.test/welcome.wav'));
    expect(full.status).toBe(200);
    expect(full.headers.get('content-type')).toBe('audio/wav');
    expect(Buffer.from(await full.arrayBuffer()).equals(welcome)).toBe(true);

    const part = await host.fetch(
      new Request('http://audio.test/welcome.wav', { headers: { Range: 'bytes=-4' } }),
    );
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(
      `bytes ${welcome.length - 4}-${welcome.length - 1}/${welcome.length}`,
    );
    expect(Buffer.from(await part.arrayBuffer()).equals(welcome.subarray(-4))).toBe(true);

    const etag = full.headers.get('etag')!;
    const cached = await host.fetch(
      new Request('http://audio.test/welcome.wav', { headers: { 'If-None-Match': etag } }),
    );
    expect(cached.status).toBe(304);

    expect(
      (
        await host.fetch(
          new Request('http://audio.test/welcome.wav', { method: 'POST', body: 'x' }),
        )
      ).status,
    ).toBe(405);
    expect((await host.fetch(new Request('http://audio.test/%2e%2e%2fsecret'))).status).toBe(400);
    expect((await host.fetch(new Request('http://audio.test/nope.wav'))).status).toBe(404);

    const head = await host.fetch(new Request('http://audio.test/welcome.wav', { method: 'HEAD' }));
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(welcome.length));
    expect(head.body).toBeNull();
  });

  it('works as the handler of a server that speaks Request/Response', async () => {
    const server = createServer(async (req, res) => {
      const response = await host.fetch(
        new Request(`http://127.0.0.1${req.url}`, { method: req.method }),
      );
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(Buffer.from(await response.arrayBuffer()));
    });
    const http = await listen(server.listeners('request')[0] as Parameters<typeof listen>[0]);
    try {
      const response = await fetch(`${http.origin}/welcome.wav`);
      expect(response.status).toBe(200);
      expect(Buffer.from(await response.arrayBuffer()).equals(welcome)).toBe(true);
    } finally {
      await http.close();
    }
  });
});

// The host in real Express 5 and Fastify 5 apps, with and without basePath, as the README shows
// (issue 13, item 5). Express strips its mount path from req.url (the host then reads
// req.originalUrl); Fastify passes the raw URL, so there basePath is the route's prefix, and
// reply.hijack() tells Fastify that the host writes the reply.
import { writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import express from 'express';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AudioHost, createAudioHost } from '../src/index.js';
import { errorCodeOf, makeTempDir, makeWav, rawRequest } from './helpers.js';

let temp: Awaited<ReturnType<typeof makeTempDir>>;
const welcome = makeWav({ seconds: 0.5 });

beforeAll(async () => {
  temp = await makeTempDir('frameworks');
  await writeFile(join(temp.dir, 'welcome.wav'), welcome);
});
afterAll(() => temp.remove());

interface Mounted {
  host: AudioHost;
  port: number;
  /** Where the host answers: `/audio`, or `` at the root. */
  prefix: string;
  close: () => Promise<void>;
}

/** What every mount must do: serve under its prefix, by the URL urlFor gives, and nothing else. */
function sharedChecks(mount: () => Mounted): void {
  it('serves urlFor(name) and the plain name, with Range and HEAD', async () => {
    const { host, port, prefix } = mount();
    const path = new URL(host.urlFor('welcome')).pathname;
    expect(path).toMatch(new RegExp(`^${prefix}/welcome\\.[0-9a-f]{8}\\.wav$`));
    const hashed = await rawRequest(port, path);
    expect(hashed.status).toBe(200);
    expect(hashed.headers['content-type']).toBe('audio/wav');
    expect(hashed.body.equals(welcome)).toBe(true);
    const plain = await rawRequest(port, `${prefix}/welcome.wav`, {
      headers: { Range: 'bytes=0-3' },
    });
    expect(plain.status).toBe(206);
    expect(plain.body.toString('latin1')).toBe('RIFF');
    const head = await rawRequest(port, path, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe(String(welcome.length));
    expect(head.body.length).toBe(0);
  });

  it('answers misses and attacks under the mount with JSON errors, and leaves other routes alone', async () => {
    const { port, prefix } = mount();
    const missing = await rawRequest(port, `${prefix}/nope.wav`);
    expect(missing.status).toBe(404);
    expect(errorCodeOf(missing.body)).toBe('AUDIO_PROMPT_UNKNOWN');
    const attack = await rawRequest(port, `${prefix}/%2e%2e/%2e%2e/etc/passwd`);
    expect([400, 404]).toContain(attack.status);
    expect(attack.text).not.toContain('root:');
    const other = await rawRequest(port, '/health');
    expect(other.status).toBe(200);
    expect(other.body.toString()).toBe('ok');
  });
}

async function hostFor(prefix: string, basePath: boolean): Promise<AudioHost> {
  return createAudioHost({
    root: temp.dir,
    publicUrl: `http://127.0.0.1:1${prefix}`,
    ...(basePath ? { basePath: prefix } : {}),
  });
}

for (const basePath of [true, false]) {
  describe(`Express 5: app.use('/audio', host.handle) ${basePath ? 'with' : 'without'} basePath`, () => {
    let mounted: Mounted;
    beforeAll(async () => {
      const host = await hostFor('/audio', basePath);
      const app = express();
      app.get('/health', (_req, res) => void res.send('ok'));
      app.use('/audio', host.handle);
      const server = app.listen(0, '127.0.0.1');
      await new Promise<void>((resolve) => server.once('listening', resolve));
      mounted = {
        host,
        port: (server.address() as AddressInfo).port,
        prefix: '/audio',
        close: async () => {
          server.closeAllConnections();
          await new Promise((resolve) => server.close(resolve));
          await host.close();
        },
      };
    });
    afterAll(() => mounted.close());
    sharedChecks(() => mounted);
  });
}

for (const basePath of [true, false]) {
  const prefix = basePath ? '/audio' : '';
  describe(`Fastify 5: app.get('${prefix}/*', …) with reply.hijack() ${basePath ? 'and' : 'without'} basePath`, () => {
    let mounted: Mounted;
    beforeAll(async () => {
      const host = await hostFor(prefix, basePath);
      const app = Fastify();
      app.get('/health', async () => 'ok');
      app.get(`${prefix}/*`, (request, reply) => {
        reply.hijack();
        host.handle(request.raw, reply.raw);
      });
      await app.listen({ port: 0, host: '127.0.0.1' });
      mounted = {
        host,
        port: (app.server.address() as AddressInfo).port,
        prefix,
        close: async () => {
          await app.close();
          await host.close();
        },
      };
    });
    afterAll(() => mounted.close());
    sharedChecks(() => mounted);
  });
}

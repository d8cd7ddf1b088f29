// Prompts larger than maxMemoryBytes are streamed from disk. These tests take the file away from
// under the host (deleted cache, deleted or replaced source, failing fstat, failing response) and
// require a clear answer every time, a rescan that heals what can be healed, no leaked descriptor
// and no unhandled rejection.
import {
  open,
  readdir,
  readFile,
  readlink,
  rename,
  rm,
  truncate,
  writeFile,
} from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { checkPlayable, inspectWavBytes } from '@siphook/wav';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type AudioHostLogger, createAudioHost } from '../src/index.js';
import {
  errorCodeOf,
  listen,
  makeTempDir,
  makeWav,
  type RawResponse,
  rawRequest,
} from './helpers.js';

/** Like rawRequest, but a request the host never answers fails the test quickly and clearly. */
function requestWithin(port: number, target: string, ms = 5000): Promise<RawResponse> {
  return Promise.race([
    rawRequest(port, target),
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`no answer to GET ${target} within ${ms} ms`)), ms),
    ),
  ]);
}

/**
 * Descriptors of this process that point at `path`, read from /proc (Linux). A descriptor being
 * closed by a destroyed stream gets up to a second to go.
 */
async function descriptorsOn(path: string): Promise<number> {
  let count = await countDescriptorsOn(path);
  for (let wait = 0; count > 0 && wait < 20; wait++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    count = await countDescriptorsOn(path);
  }
  return count;
}

async function countDescriptorsOn(path: string): Promise<number> {
  let count = 0;
  for (const fd of await readdir('/proc/self/fd')) {
    try {
      if ((await readlink(`/proc/self/fd/${fd}`)).startsWith(path)) count++;
    } catch {
      // closed between readdir and readlink
    }
  }
  return count;
}

/** A logger that keeps what was logged at error level. */
function recordingLogger(): AudioHostLogger & { errors: string[] } {
  const errors: string[] = [];
  return {
    errors,
    info() {},
    warn() {},
    error(_fields, message) {
      errors.push(message ?? '');
    },
  };
}

const rejections: unknown[] = [];
const onRejection = (reason: unknown): void => {
  rejections.push(reason);
};
beforeEach(() => {
  rejections.length = 0;
  process.on('unhandledRejection', onRejection);
});
afterEach(async () => {
  // Let a rejection from the request just answered surface before looking.
  await new Promise((resolve) => setTimeout(resolve, 50));
  process.off('unhandledRejection', onRejection);
  expect(rejections.map(String)).toEqual([]);
});

describe('a converted prompt streamed from the cache', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  const cd = makeWav({ sampleRate: 44_100, channels: 2, seconds: 1, seed: 330 });

  beforeAll(async () => {
    temp = await makeTempDir('stream-cache');
    await writeFile(join(temp.dir, 'welcome.wav'), cd);
  });
  afterAll(() => temp.remove());

  it('converts again on rescan when the cache file was deleted (503 before, 200 after)', async () => {
    const host = await createAudioHost({
      root: temp.dir,
      publicUrl: 'http://127.0.0.1:1',
      maxMemoryBytes: 1024,
    });
    const http = await listen(host.handle);
    try {
      const [prompt] = host.prompts();
      expect(prompt).toMatchObject({ name: 'welcome.wav', converted: true });
      expect(prompt!.size).toBeGreaterThan(1024);
      const hashed = `/${prompt!.hashedName}`;
      const served = await requestWithin(http.port, hashed);
      expect(served.status).toBe(200);
      expect(checkPlayable(inspectWavBytes(served.body, served.body.length)).ok).toBe(true);

      await rm(prompt!.path);
      // While the file is gone: a clear "try again" answer, never partial or unverified bytes.
      const gone = await requestWithin(http.port, '/welcome.wav');
      expect(gone.status).toBe(503);
      expect(gone.headers['retry-after']).toBe('1');
      expect(gone.headers['cache-control']).toBe('no-store');
      // An error in the one JSON shape: never partial or unverified audio.
      expect(errorCodeOf(gone.body)).toBe('AUDIO_FILE_CHANGED');
      expect((await host.fetch(new Request(`http://127.0.0.1${hashed}`))).status).toBe(503);

      await host.rescan();
      expect(host.refused()).toEqual([]);
      expect(host.prompts()[0]!.hashedName).toBe(prompt!.hashedName);
      for (const target of ['/welcome.wav', hashed]) {
        const healed = await requestWithin(http.port, target);
        expect(healed.status, target).toBe(200);
        expect(healed.body.equals(served.body), target).toBe(true);
      }
      const fetched = await host.fetch(new Request(`http://127.0.0.1${hashed}`));
      expect(fetched.status).toBe(200);
      expect(Buffer.from(await fetched.arrayBuffer()).equals(served.body)).toBe(true);
      expect((await readFile(prompt!.path)).equals(served.body)).toBe(true);
    } finally {
      await http.close();
      await host.close();
    }
  }, 60_000);

  it('converts again on rescan when the whole cache folder was deleted or a cache file replaced', async () => {
    const host = await createAudioHost({
      root: temp.dir,
      publicUrl: 'http://127.0.0.1:1',
      maxMemoryBytes: 1024,
    });
    const http = await listen(host.handle);
    try {
      const [prompt] = host.prompts();
      const original = (await requestWithin(http.port, '/welcome.wav')).body;

      await rm(join(temp.dir, '.siphook-cache'), { recursive: true });
      expect((await requestWithin(http.port, '/welcome.wav')).status).toBe(503);
      await host.rescan();
      expect((await requestWithin(http.port, '/welcome.wav')).body.equals(original)).toBe(true);

      // Same name, other bytes (size differs): never served, and the next scan puts it right.
      await writeFile(prompt!.path, 'not the verified conversion');
      expect((await requestWithin(http.port, '/welcome.wav')).status).toBe(503);
      await host.rescan();
      const healed = await requestWithin(http.port, '/welcome.wav');
      expect(healed.status).toBe(200);
      expect(healed.body.equals(original)).toBe(true);
    } finally {
      await http.close();
      await host.close();
    }
  }, 60_000);
});

describe('a replaced version streamed from the cache', () => {
  it('answers 404 under its old hashed URL once its cache file is gone and a scan ran', async () => {
    const temp = await makeTempDir('stream-retired');
    const source = join(temp.dir, 'welcome.wav');
    await writeFile(source, makeWav({ sampleRate: 44_100, channels: 2, seconds: 1, seed: 330 }));
    const host = await createAudioHost({
      root: temp.dir,
      publicUrl: 'http://127.0.0.1:1',
      maxMemoryBytes: 1024,
    });
    const http = await listen(host.handle);
    try {
      const [old] = host.prompts();
      await writeFile(source, makeWav({ sampleRate: 44_100, channels: 2, seconds: 1, seed: 550 }));
      await host.rescan();
      expect(host.prompts()[0]!.hashedName).not.toBe(old!.hashedName);
      // Still answering under the URL handed out before the change (keepReplacedSeconds) …
      expect((await requestWithin(http.port, `/${old!.hashedName}`)).status).toBe(200);
      await rm(old!.path);
      // … until its bytes are gone: 503 at first, then the scan it starts retires it for good.
      expect((await requestWithin(http.port, `/${old!.hashedName}`)).status).toBe(503);
      await host.rescan();
      expect((await requestWithin(http.port, `/${old!.hashedName}`)).status).toBe(404);
      expect((await requestWithin(http.port, '/welcome.wav')).status).toBe(200);
    } finally {
      await http.close();
      await host.close();
      await temp.remove();
    }
  }, 60_000);
});

describe('a compliant WAV streamed from the root', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  const first = makeWav({ seconds: 2, seed: 440 });
  const second = makeWav({ seconds: 3, seed: 660 });

  beforeEach(async () => {
    temp = await makeTempDir('stream-source');
    await writeFile(join(temp.dir, 'welcome.wav'), first);
  });
  afterEach(() => temp.remove());

  it('answers 503 for a deleted or replaced file without leaking its descriptor, then follows the rescan', async () => {
    const host = await createAudioHost({
      root: temp.dir,
      publicUrl: 'http://127.0.0.1:1',
      maxMemoryBytes: 1024,
    });
    const http = await listen(host.handle);
    const path = join(temp.dir, 'welcome.wav');
    try {
      expect((await requestWithin(http.port, '/welcome.wav')).body.equals(first)).toBe(true);

      // Replaced (new size and mtime) behind the host's back: the old verification no longer holds.
      await writeFile(`${path}.tmp`, second);
      await rename(`${path}.tmp`, path);
      // The 503 also starts a rescan, so the answer after it may already be the new file.
      expect((await requestWithin(http.port, '/welcome.wav')).status).toBe(503);
      expect(await descriptorsOn(path)).toBe(0);
      await host.rescan();
      expect((await requestWithin(http.port, '/welcome.wav')).body.equals(second)).toBe(true);

      await rm(path);
      expect((await requestWithin(http.port, '/welcome.wav')).status).toBe(503);
      await host.rescan();
      expect(host.prompts()).toEqual([]);
      expect((await requestWithin(http.port, '/welcome.wav')).status).toBe(404);
    } finally {
      await http.close();
      await host.close();
    }
  }, 60_000);

  it('answers 503 and closes the file when fstat fails on the opened file', async () => {
    const logger = recordingLogger();
    const host = await createAudioHost({
      root: temp.dir,
      publicUrl: 'http://127.0.0.1:1',
      maxMemoryBytes: 1024,
      logger,
    });
    const http = await listen(host.handle);
    const path = join(temp.dir, 'welcome.wav');
    // Fault injection into Node's FileHandle (EIO from fstat, as on a failing disk or network
    // mount); the host's own code runs unchanged.
    const probe = await open(path);
    const prototype = Object.getPrototypeOf(probe) as { stat: (...args: unknown[]) => unknown };
    await probe.close();
    const realStat = prototype.stat;
    prototype.stat = () =>
      Promise.reject(Object.assign(new Error('EIO: i/o error, fstat'), { code: 'EIO' }));
    try {
      for (let attempt = 0; attempt < 5; attempt++) {
        const response = await requestWithin(http.port, '/welcome.wav');
        expect(response.status).toBe(503);
        expect(errorCodeOf(response.body)).toBe('AUDIO_FILE_CHANGED');
      }
      const fetched = await host.fetch(new Request('http://127.0.0.1/welcome.wav'));
      expect(fetched.status).toBe(503);
      expect(await descriptorsOn(path)).toBe(0);
    } finally {
      prototype.stat = realStat;
    }
    try {
      await host.rescan();
      expect((await requestWithin(http.port, '/welcome.wav')).body.equals(first)).toBe(true);
    } finally {
      await http.close();
      await host.close();
    }
  }, 60_000);

  it('answers 500 and logs when sending the head of a streamed reply throws', async () => {
    const logger = recordingLogger();
    const host = await createAudioHost({
      root: temp.dir,
      publicUrl: 'http://127.0.0.1:1',
      maxMemoryBytes: 1024,
      logger,
    });
    // Fault injection into Node's ServerResponse: the first writeHead throws, as it does for a
    // header value Node rejects; the host's own code runs unchanged.
    let failures = 0;
    const http = await listen((req, res: ServerResponse) => {
      const realWriteHead = res.writeHead;
      res.writeHead = function (this: ServerResponse, ...args: unknown[]) {
        if (failures++ === 0) throw new TypeError('Invalid character in header content');
        return (realWriteHead as (...a: unknown[]) => ServerResponse).apply(this, args);
      } as ServerResponse['writeHead'];
      host.handle(req, res);
    });
    try {
      const response = await requestWithin(http.port, '/welcome.wav');
      expect(response.status).toBe(500);
      expect(errorCodeOf(response.body)).toBe('INTERNAL_ERROR');
      expect(response.headers['cache-control']).toBe('no-store');
      expect(logger.errors).toEqual(['streaming an audio reply failed']);
      expect(await descriptorsOn(join(temp.dir, 'welcome.wav'))).toBe(0);
      expect((await requestWithin(http.port, '/welcome.wav')).body.equals(first)).toBe(true);
    } finally {
      await http.close();
      await host.close();
    }
  }, 60_000);
});

describe('a streamed prompt truncated while it is being sent', () => {
  it('cuts the keep-alive connection instead of leaving the client waiting for missing bytes', async () => {
    const temp = await makeTempDir('stream-truncate');
    // 16 MiB of silence: far more than loopback socket buffers, so most of it is still unread
    // on disk when the client pauses.
    const big = makeWav({ seconds: 0 });
    const dataSize = 16 * 1024 * 1024;
    big.writeUInt32LE(36 + dataSize, 4);
    big.writeUInt32LE(dataSize, 40);
    const path = join(temp.dir, 'long.wav');
    await writeFile(path, Buffer.concat([big, Buffer.alloc(dataSize)]));
    const host = await createAudioHost({ root: temp.dir, publicUrl: 'http://127.0.0.1:1' });
    const http = await listen(host.handle);
    http.server.keepAliveTimeout = 60_000;
    try {
      expect(host.prompts()).toMatchObject([{ name: 'long.wav', size: 44 + dataSize }]);
      const before = host.prompts()[0]!.hashedName;
      const outcome = await new Promise<{ received: number; closed: boolean }>((resolve) => {
        const socket = connect(http.port, '127.0.0.1');
        let received = 0;
        let truncated = false;
        const timer = setTimeout(() => {
          socket.destroy();
          resolve({ received, closed: false });
        }, 10_000);
        socket.on('data', (chunk) => {
          received += chunk.length;
          if (truncated) return;
          truncated = true;
          socket.pause();
          void truncate(path, 4096).then(() => socket.resume());
        });
        socket.on('error', () => {});
        socket.on('close', () => {
          clearTimeout(timer);
          resolve({ received, closed: true });
        });
        socket.write('GET /long.wav HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
      });
      expect(outcome.closed).toBe(true);
      expect(outcome.received).toBeLessThan(44 + dataSize);
      // The next scan no longer serves the old 16 MiB version under the plain name.
      await host.rescan();
      expect(host.prompts().map((prompt) => prompt.hashedName)).not.toContain(before);
    } finally {
      await http.close();
      await host.close();
      await temp.remove();
    }
  }, 60_000);
});

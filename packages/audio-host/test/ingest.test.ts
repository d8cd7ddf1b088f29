import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type AudioHost, createAudioHost } from '../src/index.js';
import { listen, makeTempDir, makeWav, rawRequest } from './helpers.js';

describe('ingest and change', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let host: AudioHost;
  let http: Awaited<ReturnType<typeof listen>>;

  beforeAll(async () => {
    temp = await makeTempDir('ingest');
    await writeFile(join(temp.dir, 'welcome.wav'), makeWav({ seconds: 1, seed: 440 }));
    await writeFile(join(temp.dir, 'readme.txt'), 'not audio, ignored');
    await writeFile(
      join(temp.dir, 'page.wav'),
      '<!DOCTYPE html><html><body>404 Not Found</body></html>',
    );
    host = await createAudioHost({
      root: temp.dir,
      publicUrl: 'http://127.0.0.1:1',
      watch: true,
      watchDebounceMs: 50,
    });
    http = await listen(host.handle);
  });
  afterAll(async () => {
    await http.close();
    await host.close();
    await temp.remove();
  });

  it('serves the compliant WAV as is and refuses what cannot be made playable, with the reason', async () => {
    expect(host.prompts()).toEqual([
      expect.objectContaining({
        name: 'welcome.wav',
        source: 'welcome.wav',
        converted: false,
        durationSeconds: 1,
      }),
    ]);
    const refused = host.refused();
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({ file: 'page.wav' });
    // The converter reads a private copy; the reason still names the user's file.
    expect(refused[0]!.reason).toContain(
      `${JSON.stringify(join(temp.dir, 'page.wav'))} is an HTML page`,
    );
    expect((await rawRequest(http.port, '/page.wav')).status).toBe(404);
    expect((await rawRequest(http.port, '/readme.txt')).status).toBe(404);
  });

  it('changes the hashed URL when the file changes (watch), and the old one stops resolving', async () => {
    const before = host.urlFor('welcome');
    const oldTarget = new URL(before).pathname;
    const oldEtag = (await rawRequest(http.port, '/welcome.wav', { method: 'HEAD' })).headers[
      'etag'
    ];
    const original = (await rawRequest(http.port, oldTarget)).body;
    const changed = makeWav({ seconds: 1, seed: 660 });
    await writeFile(join(temp.dir, 'welcome.wav'), changed);
    await vi.waitFor(() => expect(host.urlFor('welcome')).not.toBe(before), {
      timeout: 10_000,
      interval: 50,
    });
    const after = host.urlFor('welcome');
    expect(after).toMatch(/\/welcome\.[0-9a-f]{8}\.wav$/);
    const fresh = await rawRequest(http.port, new URL(after).pathname);
    expect(fresh.status).toBe(200);
    expect(fresh.body.equals(changed)).toBe(true);
    // A URL handed out just before the change still plays the version it named, for a while.
    const old = await rawRequest(http.port, oldTarget);
    expect(old.status).toBe(200);
    expect(old.body.equals(original)).toBe(true);
    expect(old.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(Date.now() + 601_000);
      expect((await rawRequest(http.port, oldTarget)).status).toBe(404);
    } finally {
      vi.useRealTimers();
    }
    const plain = await rawRequest(http.port, '/welcome.wav', {
      headers: { 'If-None-Match': oldEtag! },
    });
    expect(plain.status).toBe(200);
    expect(plain.headers['etag']).not.toBe(oldEtag);
  });

  it('picks up added files and drops removed ones', async () => {
    await writeFile(join(temp.dir, 'goodbye.wav'), makeWav({ seconds: 0.5, seed: 300 }));
    await vi.waitFor(() => expect(host.prompts().map((p) => p.name)).toContain('goodbye.wav'), {
      timeout: 10_000,
      interval: 50,
    });
    expect((await rawRequest(http.port, '/goodbye.wav')).status).toBe(200);
    const goodbyeHashed = new URL(host.urlFor('goodbye')).pathname;
    await rm(join(temp.dir, 'goodbye.wav'));
    await vi.waitFor(() => expect(host.prompts().map((p) => p.name)).not.toContain('goodbye.wav'), {
      timeout: 10_000,
      interval: 50,
    });
    expect((await rawRequest(http.port, '/goodbye.wav')).status).toBe(404);
    // A removed prompt is gone under every name: only replaced versions are kept for a while.
    expect((await rawRequest(http.port, goodbyeHashed)).status).toBe(404);
  });

  it('stops answering a replaced version at once with keepReplacedSeconds: 0', async () => {
    const strict = await createAudioHost({
      root: temp.dir,
      publicUrl: 'http://127.0.0.1:1',
      keepReplacedSeconds: 0,
    });
    const strictHttp = await listen(strict.handle);
    try {
      const before = new URL(strict.urlFor('welcome')).pathname;
      await writeFile(join(temp.dir, 'welcome.wav'), makeWav({ seconds: 1, seed: 770 }));
      await strict.rescan();
      expect(new URL(strict.urlFor('welcome')).pathname).not.toBe(before);
      expect((await rawRequest(strictHttp.port, before)).status).toBe(404);
    } finally {
      await strictHttp.close();
      await strict.close();
    }
  });

  it('rescans on demand', async () => {
    const before = host.urlFor('welcome');
    await writeFile(join(temp.dir, 'welcome.wav'), makeWav({ seconds: 1, seed: 880 }));
    await host.rescan();
    expect(host.urlFor('welcome')).not.toBe(before);
  });
});

describe('prompts in subfolders and name collisions', () => {
  it('serves de/welcome.wav under its path and refuses a second source for the same name', async () => {
    const temp = await makeTempDir('names');
    try {
      const { mkdir } = await import('node:fs/promises');
      await mkdir(join(temp.dir, 'de'));
      await writeFile(join(temp.dir, 'de', 'Begrüßung.wav'), makeWav({ seconds: 0.25 }));
      await writeFile(join(temp.dir, 'hold.wav'), makeWav({ seconds: 0.25, seed: 500 }));
      await writeFile(join(temp.dir, 'hold.WAVE'), makeWav({ seconds: 0.25, seed: 600 }));
      const host = await createAudioHost({ root: temp.dir, publicUrl: 'http://127.0.0.1:1' });
      const http = await listen(host.handle);
      try {
        expect(host.prompts().map((p) => p.name)).toEqual(['de/Begrüßung.wav', 'hold.wav']);
        expect(host.refused()).toEqual([
          expect.objectContaining({ file: 'hold.WAVE', code: 'AUDIO_NAME_TAKEN' }),
        ]);
        const url = host.urlFor('de/Begrüßung');
        expect(url).toMatch(/\/de\/Begr%C3%BC%C3%9Fung\.[0-9a-f]{8}\.wav$/);
        expect((await rawRequest(http.port, new URL(url).pathname)).status).toBe(200);
      } finally {
        await http.close();
        await host.close();
      }
    } finally {
      await temp.remove();
    }
  });
});

import { execFile } from 'node:child_process';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { checkPlayable, findFfmpeg, inspectWavBytes } from '@siphook/wav';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAudioHost } from '../src/index.js';
import { listen, makeTempDir, makeWav, rawRequest } from './helpers.js';

const run = promisify(execFile);

describe('conversion at ingest (real ffmpeg and @siphook/wav)', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  const cd = makeWav({ sampleRate: 44_100, channels: 2, seconds: 1, seed: 440 });

  beforeAll(async () => {
    temp = await makeTempDir('convert');
    await writeFile(join(temp.dir, 'welcome.wav'), cd);
    const ffmpeg = await findFfmpeg();
    await run(ffmpeg, [
      '-hide_banner',
      '-loglevel',
      'error',
      '-f',
      'lavfi',
      '-i',
      'sine=frequency=523:duration=1.5:sample_rate=44100',
      '-ac',
      '2',
      '-codec:a',
      'libmp3lame',
      '-b:a',
      '64k',
      join(temp.dir, 'menu.mp3'),
    ]);
  }, 60_000);
  afterAll(() => temp.remove());

  it('converts a 44.1 kHz stereo WAV and an MP3 into the cache and serves only playable bytes', async () => {
    expect(checkPlayable(inspectWavBytes(cd, cd.length)).ok).toBe(false);
    const host = await createAudioHost({ root: temp.dir, publicUrl: 'http://127.0.0.1:1' });
    const http = await listen(host.handle);
    try {
      expect(host.refused()).toEqual([]);
      const prompts = host.prompts();
      expect(prompts.map((p) => [p.name, p.source, p.converted])).toEqual([
        ['menu.wav', 'menu.mp3', true],
        ['welcome.wav', 'welcome.wav', true],
      ]);
      for (const prompt of prompts) {
        expect(prompt.path.startsWith(join(temp.dir, '.siphook-cache'))).toBe(true);
        for (const target of [`/${prompt.name}`, new URL(host.urlFor(prompt.name)).pathname]) {
          const response = await rawRequest(http.port, target);
          expect(response.status).toBe(200);
          expect(response.headers['content-length']).toBe(String(response.body.length));
          const info = inspectWavBytes(response.body, response.body.length);
          expect(
            checkPlayable(info).ok,
            `${target}: ${JSON.stringify(checkPlayable(info).problems)}`,
          ).toBe(true);
          expect(info.format).toMatchObject({
            tag: 1,
            channels: 1,
            sampleRate: 8000,
            bitsPerSample: 16,
          });
          expect(info.durationSeconds).toBeCloseTo(prompt.name === 'menu.wav' ? 1.5 : 1, 1);
        }
      }
      // The 44.1 kHz original is never what goes out.
      const plain = await rawRequest(http.port, '/welcome.wav');
      expect(plain.body.equals(cd)).toBe(false);
      expect(plain.body.length).toBeLessThan(cd.length / 5);
    } finally {
      await http.close();
      await host.close();
    }
  }, 60_000);

  it('reuses the cached conversions after a restart (keyed by the source SHA-256)', async () => {
    const cacheDir = join(temp.dir, '.siphook-cache');
    const before = new Map<string, number>();
    for (const file of await readdir(cacheDir))
      before.set(file, (await stat(join(cacheDir, file))).mtimeMs);
    expect([...before.keys()].every((file) => /^[0-9a-f]{64}\.wav$/.test(file))).toBe(true);
    expect(before.size).toBe(2);
    const first = await readFile(join(cacheDir, [...before.keys()][0]!));

    const host = await createAudioHost({ root: temp.dir, publicUrl: 'http://127.0.0.1:1' });
    try {
      expect(host.prompts().every((prompt) => prompt.converted)).toBe(true);
      for (const [file, mtimeMs] of before)
        expect((await stat(join(cacheDir, file))).mtimeMs).toBe(mtimeMs);
      expect((await readFile(join(cacheDir, [...before.keys()][0]!))).equals(first)).toBe(true);
    } finally {
      await host.close();
    }
  }, 60_000);

  it('replaces a corrupted cache entry instead of serving it', async () => {
    const cacheDir = join(temp.dir, '.siphook-cache');
    const [file] = await readdir(cacheDir);
    await writeFile(join(cacheDir, file!), 'garbage, not a WAV');
    const host = await createAudioHost({ root: temp.dir, publicUrl: 'http://127.0.0.1:1' });
    try {
      expect(host.refused()).toEqual([]);
      const bytes = await readFile(join(cacheDir, file!));
      expect(checkPlayable(inspectWavBytes(bytes, bytes.length)).ok).toBe(true);
    } finally {
      await host.close();
    }
  }, 60_000);
});

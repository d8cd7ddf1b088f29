import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeEngineCommand } from '../test/fake-engine.js';
import { synthesisKey, synthesizeCached } from './synthesize-cached.js';
import { resolveEngine, type TtsEngine } from './tts-engine.js';

let dir: string;
let engine: TtsEngine;
const side = () => join(dir, 'ran');
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'siphook-tts-cache-'));
  engine = await resolveEngine({ name: 'command', command: fakeEngineCommand('tone', side()) });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** True when the fake engine ran since the side file was last removed. */
async function engineRan(): Promise<boolean> {
  const ran = await stat(side()).then(
    () => true,
    () => false,
  );
  await rm(side(), { force: true });
  return ran;
}

describe('synthesizeCached', () => {
  it('synthesises a prompt once; the second time it is found by its key', async () => {
    const cacheDir = join(dir, 'cache');
    const first = await synthesizeCached('Willkommen', { engine, voice: 'de', cacheDir });
    expect(first.cached).toBe(false);
    expect(await engineRan()).toBe(true);
    expect(first.file).toBe(join(cacheDir, `${first.key}.wav`));
    const again = await synthesizeCached('Willkommen', { engine, voice: 'de', cacheDir });
    expect(again).toEqual({ ...first, cached: true });
    expect(await engineRan()).toBe(false);
    expect(await readdir(cacheDir)).toEqual([`${first.key}.wav`]);
  });

  it('keys by engine, voice and text', async () => {
    const other = await resolveEngine({
      name: 'command',
      command: `${fakeEngineCommand('tone', side())} x`,
    });
    const keys = new Set([
      synthesisKey(engine, 'Willkommen', 'de'),
      synthesisKey(engine, 'Willkommen', 'en'),
      synthesisKey(engine, 'Willkommen!', 'de'),
      synthesisKey(other, 'Willkommen', 'de'),
    ]);
    expect(keys.size).toBe(4);
    expect(synthesisKey(engine, 'Willkommen', 'de')).toMatch(/^[0-9a-f]{32}$/);
  });

  it('writes nothing into the cache when the engine fails', async () => {
    const cacheDir = join(dir, 'failing');
    const failing = await resolveEngine({
      name: 'command',
      command: fakeEngineCommand('garbage', side()),
    });
    await expect(
      synthesizeCached('Hallo', { engine: failing, voice: 'de', cacheDir }),
    ).rejects.toMatchObject({ code: 'TTS_ENGINE_FAILED' });
    expect(await readdir(cacheDir)).toEqual([]);
  });
});

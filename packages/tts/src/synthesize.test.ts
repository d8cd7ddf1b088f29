import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkPlayable, inspectWavBytes } from '@siphook/wav';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeEngineCommand } from '../test/fake-engine.js';
import { findEspeakNg } from './espeak-ng-engine.js';
import { PROMPT_LEVEL, synthesize } from './synthesize.js';
import { resolveEngine } from './tts-engine.js';

const HAVE_ESPEAK = await findEspeakNg().then(
  () => true,
  () => false,
);
if (!HAVE_ESPEAK)
  console.warn('espeak-ng is missing: its synthesize tests are skipped (Debian package espeak-ng)');

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'siphook-tts-synthesize-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The 16-bit samples of a canonical Play WAV, as −1…1. */
function samplesOf(bytes: Uint8Array): Float64Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset + 44, bytes.byteLength - 44);
  return Float64Array.from(
    { length: view.byteLength / 2 },
    (_, i) => view.getInt16(i * 2, true) / 32768,
  );
}

const peakDb = (samples: Float64Array) =>
  20 * Math.log10(samples.reduce((max, x) => Math.max(max, Math.abs(x)), 0));

/** Temp files (`.name.….tmp`) the converter would leave next to an output after a failure. */
async function leftovers(): Promise<string[]> {
  return (await readdir(dir)).filter((name) => name.startsWith('.'));
}

describe('synthesize with the command engine', () => {
  it('makes a playable prompt at the stated peak, trimmed to at most 0.1 s of quiet at each end', async () => {
    const engine = {
      name: 'command' as const,
      command: fakeEngineCommand('tone', join(dir, 'side')),
    };
    const result = await synthesize('Hallo', { engine });
    const bytes = result.bytes!;
    expect(checkPlayable(inspectWavBytes(bytes)).ok).toBe(true);
    const samples = samplesOf(bytes);
    expect(Math.abs(peakDb(samples) - PROMPT_LEVEL.peakDbfs)).toBeLessThan(0.1);
    // 0.3 s of silence on each side of a 0.5 s tone: 0.1 s is kept at each end.
    expect(result.durationSeconds).toBeGreaterThan(0.68);
    expect(result.durationSeconds).toBeLessThan(0.72);
    expect(result.trimmedSeconds.start).toBeCloseTo(0.2, 1);
    expect(result.output).toBeUndefined();
  });

  it('names the engine when it writes nothing or garbage, and leaves no file behind', async () => {
    const output = join(dir, 'kept.wav');
    await writeFile(output, 'the previous prompt');
    for (const [mode, message] of [
      ['nothing', /^command \(.*\) wrote nothing; expected audio for "Hallo"/],
      ['garbage', /^command \(.*\) wrote no usable audio \(41 bytes\): .*HTML page/],
    ] as const) {
      const engine = {
        name: 'command' as const,
        command: fakeEngineCommand(mode, join(dir, 'side')),
      };
      await expect(synthesize('Hallo', { engine, output })).rejects.toMatchObject({
        code: 'TTS_ENGINE_FAILED',
        message: expect.stringMatching(message),
      });
    }
    expect(await readFile(output, 'utf8')).toBe('the previous prompt');
    expect(await leftovers()).toEqual([]);
  });

  it('stops a hanging engine after timeoutMs and writes no output', async () => {
    const engine = {
      name: 'command' as const,
      command: fakeEngineCommand('hang', join(dir, 'side')),
    };
    const output = join(dir, 'never.wav');
    await expect(synthesize('Hallo', { engine, output, timeoutMs: 1000 })).rejects.toMatchObject({
      code: 'TTS_ENGINE_TIMEOUT',
    });
    expect((await readdir(dir)).includes('never.wav')).toBe(false);
  });

  it('refuses bad text before running any engine', async () => {
    const side = join(dir, 'untouched');
    const engine = { name: 'command' as const, command: fakeEngineCommand('tone', side) };
    await expect(synthesize('\u0007', { engine })).rejects.toMatchObject({
      code: 'TTS_TEXT_INVALID',
    });
    await expect(readFile(side)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('aborts with CONVERT_ABORTED and leaves nothing', async () => {
    const engine = {
      name: 'command' as const,
      command: fakeEngineCommand('hang', join(dir, 'side')),
    };
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    await expect(
      synthesize('Hallo', { engine, output: join(dir, 'aborted.wav'), signal: controller.signal }),
    ).rejects.toMatchObject({ code: 'CONVERT_ABORTED' });
    expect((await readdir(dir)).includes('aborted.wav')).toBe(false);
  });
});

describe.skipIf(!HAVE_ESPEAK)('synthesize with espeak-ng', () => {
  it('speaks German and English into playable prompts at the stated peak', async () => {
    for (const [voice, text] of [
      ['de', 'Willkommen bei siphook. Drücken Sie die Eins.'],
      ['en', 'Welcome to siphook. Press one.'],
    ] as const) {
      const output = join(dir, `${voice}.wav`);
      const result = await synthesize(text, { voice, output });
      const bytes = new Uint8Array(await readFile(output));
      expect(checkPlayable(inspectWavBytes(bytes)).ok).toBe(true);
      expect(Math.abs(peakDb(samplesOf(bytes)) - PROMPT_LEVEL.peakDbfs)).toBeLessThan(0.1);
      expect(result.durationSeconds).toBeGreaterThan(1);
      expect(result.trimmedSeconds.end).toBeGreaterThan(0); // espeak-ng ends with silence; cut to 0.1 s
    }
  });

  it('reads umlauts and ß as letters, not as bytes of another encoding', async () => {
    // UTF-8 read as Latin-1 spells out "Ã", "¼" … and takes about three times as long.
    const spelled = await synthesize('Grüße aus Köln, die Straße', { voice: 'de' });
    const written = await synthesize('Gruesse aus Koeln, die Strasse', { voice: 'de' });
    expect(spelled.durationSeconds / written.durationSeconds).toBeGreaterThan(0.85);
    expect(spelled.durationSeconds / written.durationSeconds).toBeLessThan(1.2);
  });

  it('lists the voices it has when asked for one it has not', async () => {
    const error = await synthesize('Hallo', { voice: 'xx-nope' }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toMatchObject({
      code: 'TTS_VOICE_UNKNOWN',
      message: expect.stringMatching(
        /^voice: espeak-ng has no voice "xx-nope"; expected one of the \d+ voices of espeak-ng: .*\bde\b.*\ben-us\b/,
      ),
    });
  });

  it('reports a missing program with the engine and how to install it', async () => {
    const saved = { path: process.env['PATH'], espeak: process.env['ESPEAK_NG_PATH'] };
    try {
      process.env['PATH'] = dir;
      delete process.env['ESPEAK_NG_PATH'];
      await expect(resolveEngine('espeak-ng')).rejects.toMatchObject({
        code: 'TTS_ENGINE_NOT_FOUND',
        message: expect.stringMatching(
          /^espeak-ng: .*not found on PATH.*apt-get install espeak-ng/,
        ),
      });
      process.env['ESPEAK_NG_PATH'] = join(dir, 'espeak-ng');
      await expect(resolveEngine('espeak-ng')).rejects.toMatchObject({
        code: 'TTS_ENGINE_NOT_FOUND',
        message: expect.stringContaining('ESPEAK_NG_PATH is'),
      });
    } finally {
      process.env['PATH'] = saved.path;
      if (saved.espeak === undefined) delete process.env['ESPEAK_NG_PATH'];
      else process.env['ESPEAK_NG_PATH'] = saved.espeak;
    }
  });
});

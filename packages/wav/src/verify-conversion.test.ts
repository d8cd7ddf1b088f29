import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { measurePlayFile, verifyConversion } from './verify-conversion.js';
import { encodeCanonicalHeader } from './write-wav.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'siphook-verify-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** One second of 8 kHz output at a constant 0.5: energy 0.25 full-scale seconds. */
const output = { samples: 8000, energy: 0.25 };
const exact = { gain: 1, trimmedSeconds: 0, durationToleranceSeconds: 1.5 / 8000 };

describe('verifyConversion', () => {
  it('passes an output as long as the source and no louder', () => {
    expect(() =>
      verifyConversion('in.wav', { durationSeconds: 1, energy: 0.25 }, output, {
        ...exact,
        mayBeShorter: false,
      }),
    ).not.toThrow();
  });

  it('refuses an output shorter or longer than the source declares, naming both lengths', () => {
    const effects = { ...exact, mayBeShorter: false };
    expect(() => verifyConversion('in.wav', { durationSeconds: 1.5 }, output, effects)).toThrow(
      'converting "in.wav": the output lasts 1.000 s, but the source declares 1.500 s: the decoder dropped audio; nothing was written',
    );
    expect(() => verifyConversion('in.wav', { durationSeconds: 0.5 }, output, effects)).toThrow(
      /the output lasts 1\.000 s, but the source declares 0\.500 s: the decoder invented audio/,
    );
  });

  it('lets ffmpeg output be shorter than the container declares (a truncated file), never longer', () => {
    const effects = { ...exact, durationToleranceSeconds: 0.1, mayBeShorter: true };
    expect(() => verifyConversion('in.mp3', { durationSeconds: 3 }, output, effects)).not.toThrow();
    expect(() => verifyConversion('in.mp3', { durationSeconds: 0.5 }, output, effects)).toThrow(
      /invented audio/,
    );
  });

  it('takes what trimSilence cut off the declared duration', () => {
    const effects = { ...exact, trimmedSeconds: 0.25, mayBeShorter: false };
    expect(() =>
      verifyConversion('in.wav', { durationSeconds: 1.25 }, output, effects),
    ).not.toThrow();
  });

  it('refuses an output more than 1 dB louder than the source and the gain allow', () => {
    const effects = { ...exact, mayBeShorter: false };
    // 0.25 against 0.19 is +1.2 dB: noise instead of the source.
    expect(() => verifyConversion('in.wav', { energy: 0.19 }, output, effects)).toThrow(
      /the output is 1\.2 dB louder than the source, .*: the decoder produced noise instead of the source; nothing was written$/,
    );
    // The same output after a gain of 2 (+6 dB) from a quieter source is right.
    expect(() =>
      verifyConversion('in.wav', { energy: 0.0625 }, output, { ...effects, gain: 2 }),
    ).not.toThrow();
    // Quieter is never refused: a tone above 4 kHz rightly comes out near silent.
    expect(() => verifyConversion('in.wav', { energy: 100 }, output, effects)).not.toThrow();
  });

  it('refuses a source whose samples were not numbers', () => {
    expect(() =>
      verifyConversion('in.wav', { energy: Number.NaN }, output, { ...exact, mayBeShorter: false }),
    ).toThrow(/the decoder produced samples that are not numbers/);
  });
});

describe('measurePlayFile', () => {
  it('reads the samples of a canonical file back: count and energy', async () => {
    const samples = new Int16Array(300_000).map((_, i) => (i % 2 === 0 ? 16384 : -16384));
    const path = join(dir, 'half-scale.wav');
    await writeFile(
      path,
      Buffer.concat([encodeCanonicalHeader(600_000), Buffer.from(samples.buffer)]),
    );
    const measured = await measurePlayFile(path);
    expect(measured.samples).toBe(300_000);
    expect(measured.energy).toBeCloseTo((0.25 * 300_000) / 8000, 9);
  });
});

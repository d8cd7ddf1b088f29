import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { goertzelAmplitude, playSamples } from '../test/convert-signals.js';
import { convertToPlayable } from './convert-to-playable.js';
import { findFfmpeg } from './ffmpeg.js';

// Non-WAV input goes through ffmpeg: it must meet the same low-pass rule as the TypeScript path
// (flat to 3.4 kHz within ±0.1 dB, ≤ −80 dB from 4 kHz). FLAC keeps the test signal lossless.
const run = promisify(execFile);
let dir: string;
let ffmpeg: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'siphook-ffmpeg-quality-'));
  ffmpeg = await findFfmpeg();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const amplitude = 0.5;

async function throughFfmpeg(name: string, hz: number): Promise<Float64Array> {
  const flac = join(dir, `${name}.flac`);
  await run(ffmpeg, [
    '-nostdin',
    '-loglevel',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    `aevalsrc=${amplitude}*sin(2*PI*${hz}*t):s=44100:d=1.5`,
    '-sample_fmt',
    's32',
    flac,
  ]);
  const output = join(dir, `${name}.wav`);
  const result = await convertToPlayable(flac, output);
  expect(result.method).toBe('ffmpeg');
  return playSamples(await readFile(output));
}

describe('convertToPlayable: ffmpeg path quality', () => {
  let reference: Float64Array;
  beforeAll(async () => {
    reference = await throughFfmpeg('ref-1k', 1000);
  });
  const start = 1000;
  const length = 8192;

  it('keeps a 1 kHz tone within ±0.1 dB', () => {
    const level =
      20 * Math.log10(goertzelAmplitude(reference, 8000, 1000, start, length) / amplitude);
    expect(Math.abs(level)).toBeLessThan(0.1);
  });

  it('keeps a 3.4 kHz tone within ±0.1 dB (the top of the passband)', async () => {
    const output = await throughFfmpeg('tone-3400', 3400);
    const level = 20 * Math.log10(goertzelAmplitude(output, 8000, 3400, start, length) / amplitude);
    expect(Math.abs(level)).toBeLessThan(0.1);
  });

  for (const [frequency, folded] of [
    [4500, 3500],
    [6000, 2000],
  ] as const) {
    it(`folds a ${frequency / 1000} kHz tone into ${folded / 1000} kHz at ≤ −80 dB re 1 kHz`, async () => {
      const output = await throughFfmpeg(`tone-${frequency}`, frequency);
      const relative =
        20 *
        Math.log10(
          goertzelAmplitude(output, 8000, folded, start, length) /
            goertzelAmplitude(reference, 8000, 1000, start, length),
        );
      expect(relative).toBeLessThan(-80);
    });
  }
});

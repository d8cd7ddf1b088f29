import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { isSiphookError } from '@siphook/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bandPower,
  encodeTestWav,
  goertzelAmplitude,
  playSamples,
  powerDb,
  riff,
  sweep,
  type TestEncoding,
  tone,
} from '../test/convert-signals.js';
import { checkPlayable } from './check-playable.js';
import { convertToPlayable } from './convert-to-playable.js';
import { findFfmpeg } from './ffmpeg.js';
import { inspectWav } from './inspect-wav.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'siphook-convert-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Writes `bytes` as `name` in the test folder and returns its path. */
async function fixture(name: string, bytes: Uint8Array | string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, bytes);
  return path;
}

/** Checks the 44 header bytes one by one against the canonical Play header, independently of src/. */
function expectCanonicalHeader(file: Uint8Array): void {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const text = (at: number) => String.fromCharCode(...file.subarray(at, at + 4));
  expect(text(0)).toBe('RIFF');
  expect(view.getUint32(4, true)).toBe(file.length - 8);
  expect(text(8)).toBe('WAVE');
  expect(text(12)).toBe('fmt ');
  expect(view.getUint32(16, true)).toBe(16);
  expect([view.getUint16(20, true), view.getUint16(22, true)]).toEqual([1, 1]);
  expect([view.getUint32(24, true), view.getUint32(28, true)]).toEqual([8000, 16000]);
  expect([view.getUint16(32, true), view.getUint16(34, true)]).toEqual([2, 16]);
  expect(text(36)).toBe('data');
  expect(view.getUint32(40, true)).toBe(file.length - 44);
}

/** Converts and checks what every output must be; returns the output bytes. */
async function convertAndCheck(
  input: string,
  output = `${input}.out.wav`,
  options = {},
): Promise<Uint8Array> {
  const result = await convertToPlayable(input, output, options);
  const file = new Uint8Array(await readFile(output));
  expectCanonicalHeader(file);
  const verdict = checkPlayable(await inspectWav(output));
  expect(verdict.problems).toEqual([]);
  expect(verdict.ok).toBe(true);
  expect(result.info.format?.sampleRate).toBe(8000);
  return file;
}

async function leftovers(): Promise<string[]> {
  return (await readdir(dir)).filter((name) => name.endsWith('.tmp'));
}

describe('convertToPlayable: every WAV layout', () => {
  const encodings: TestEncoding[] = [
    'uint8',
    'int16',
    'int24',
    'int32',
    'float32',
    'float64',
    'alaw',
    'mulaw',
  ];
  for (const encoding of encodings) {
    for (const channels of [1, 2]) {
      for (const extensible of [false, true]) {
        it(`${encoding} ${channels === 1 ? 'mono' : 'stereo'}${extensible ? ' EXTENSIBLE' : ''} at 44.1 kHz`, async () => {
          const signal = tone(1000, 44100, 0.3, 0.5);
          const input = await fixture(
            `${encoding}-${channels}-${extensible}.wav`,
            encodeTestWav(Array(channels).fill(signal), 44100, encoding, { extensible }),
          );
          const samples = playSamples(await convertAndCheck(input));
          expect(Math.abs(samples.length - 2400)).toBeLessThanOrEqual(1);
          const level = 20 * Math.log10(goertzelAmplitude(samples, 8000, 1000, 400, 1600) / 0.5);
          expect(Math.abs(level)).toBeLessThan(0.1);
        });
      }
    }
  }

  for (const rate of [48000, 44100, 22050, 16000, 11025, 8000, 32000, 12345]) {
    it(`int16 stereo at ${rate} Hz keeps a 1 kHz tone and the duration`, async () => {
      const signal = tone(1000, rate, 0.4, 0.5);
      const input = await fixture(
        `rate-${rate}.wav`,
        encodeTestWav([signal, signal], rate, 'int16'),
      );
      const samples = playSamples(await convertAndCheck(input));
      expect(Math.abs(samples.length - 3200)).toBeLessThanOrEqual(1);
      expect(
        Math.abs(20 * Math.log10(goertzelAmplitude(samples, 8000, 1000, 400, 2400) / 0.5)),
      ).toBeLessThan(0.1);
    });
  }

  it('mixes channels by averaging, so full-scale opposite channels do not clip', async () => {
    const left = tone(500, 16000, 0.3, 1, 0);
    const right = tone(500, 16000, 0.3, 1, 0).map((x) => x * 0.5);
    const six = [left, right, left, right, left, right];
    const input = await fixture(
      'six.wav',
      encodeTestWav(six, 16000, 'float32', { extensible: true }),
    );
    const result = await convertToPlayable(input, `${input}.out.wav`);
    expect(result.clippedSamples).toBe(0);
    const samples = playSamples(new Uint8Array(await readFile(`${input}.out.wav`)));
    expect(goertzelAmplitude(samples, 8000, 500, 400, 1600)).toBeCloseTo(0.75, 2);
  });

  it('passes 8 kHz mono 16-bit through bit for bit, dropping LIST and odd padded chunks', async () => {
    const signal = tone(440, 8000, 0.25, 0.7);
    const plain = encodeTestWav([signal], 8000, 'int16');
    const withChunks = encodeTestWav([signal], 8000, 'int16', {
      extraChunks: [
        { id: 'LIST', body: new TextEncoder().encode('INFOISFT\x05\x00\x00\x00Lavf\x00') },
        { id: 'odd ', body: new Uint8Array([1, 2, 3]) },
      ],
    });
    const input = await fixture('pass.wav', withChunks);
    const file = await convertAndCheck(input);
    expect(file.length).toBe(plain.length);
    expect(Buffer.from(file.subarray(44)).equals(Buffer.from(plain.subarray(44)))).toBe(true);
  });

  it('converts the frames present when the data chunk claims more than the file holds', async () => {
    const whole = encodeTestWav([tone(1000, 22050, 0.5, 0.5)], 22050, 'int16');
    const input = await fixture('truncated.wav', whole.subarray(0, 44 + 11024)); // about half of the samples
    const samples = playSamples(await convertAndCheck(input));
    expect(Math.abs(samples.length - 2000)).toBeLessThanOrEqual(1);
  });
});

describe('convertToPlayable: quality (Goertzel and FFT on the 16-bit output)', () => {
  const rate = 44100;
  const amplitude = 0.9;
  /** Converts a float32 mono signal at 44.1 kHz and returns the output samples. */
  async function through(name: string, signal: Float64Array): Promise<Float64Array> {
    const input = await fixture(`${name}.wav`, encodeTestWav([signal], rate, 'float32'));
    return playSamples(await convertAndCheck(input));
  }
  let reference: Float64Array;
  beforeAll(async () => {
    reference = await through('ref-1k', tone(1000, rate, 1.5, amplitude));
  });
  // The steady middle of a 1.5 s output: skip fades and filter edges, keep a large window.
  const start = 1000;
  const length = 8192;

  it('keeps a 1 kHz tone within ±0.1 dB', () => {
    const level =
      20 * Math.log10(goertzelAmplitude(reference, 8000, 1000, start, length) / amplitude);
    expect(Math.abs(level)).toBeLessThan(0.1);
  });

  for (const [frequency, folded] of [
    [4500, 3500],
    [6000, 2000],
  ] as const) {
    it(`folds a ${frequency / 1000} kHz tone into ${folded / 1000} kHz at ≤ −80 dB re the 1 kHz reference`, async () => {
      const output = await through(`tone-${frequency}`, tone(frequency, rate, 1.5, amplitude));
      const relative =
        20 *
        Math.log10(
          goertzelAmplitude(output, 8000, folded, start, length) /
            goertzelAmplitude(reference, 8000, 1000, start, length),
        );
      expect(relative).toBeLessThan(-80);
      // And nothing else in 0–4 kHz either: total band power.
      const band = powerDb(
        bandPower(output, 8000, 0, 3990, start, start + length) /
          bandPower(reference, 8000, 0, 3990, start, start + length),
      );
      expect(band).toBeLessThan(-80);
    });
  }

  it('folds a 3.8–20 kHz sweep into 0–3.75 kHz at ≤ −80 dB re the 1 kHz reference (total power)', async () => {
    // Sweep 2 s; the part below 4 kHz is legitimately kept at 3.8–4 kHz, so the band ends at 3.75 kHz.
    const output = await through('sweep', sweep(3800, 20000, rate, 2, amplitude));
    const folded = bandPower(output, 8000, 0, 3750, 400, 15600);
    const referencePower = bandPower(reference, 8000, 0, 3990, start, start + length);
    expect(powerDb(folded / referencePower)).toBeLessThan(-80);
  });

  it('folds a 4–20 kHz sweep (no legitimate in-band part) into the whole 0–3.99 kHz band at ≤ −80 dB', async () => {
    const output = await through('sweep-4k', sweep(4000, 20000, rate, 2, amplitude));
    const folded = bandPower(output, 8000, 0, 3990, 400, 15600);
    const referencePower = bandPower(reference, 8000, 0, 3990, start, start + length);
    expect(powerDb(folded / referencePower)).toBeLessThan(-80);
  });

  it('dithers: a −100 dBFS tone survives as noise-like output instead of vanishing or buzzing', async () => {
    const quiet = await through('quiet', tone(1000, rate, 1, 10 ** (-100 / 20)));
    const distinct = new Set(Array.from(quiet.subarray(1000, 5000)));
    expect(distinct.size).toBeGreaterThan(2); // TPDF spreads over ±1 LSB and beyond
    const mean = quiet.subarray(1000, 5000).reduce((sum, x) => sum + x, 0) / 4000;
    expect(Math.abs(mean)).toBeLessThan(1 / 32768);
  });
});

describe('convertToPlayable: normalize and trimSilence', () => {
  it('normalize: true scales the peak to −1 dBFS', async () => {
    const input = await fixture(
      'soft.wav',
      encodeTestWav([tone(1000, 16000, 0.3, 0.25)], 16000, 'int16'),
    );
    const result = await convertToPlayable(input, `${input}.out.wav`, { normalize: true });
    const samples = playSamples(new Uint8Array(await readFile(`${input}.out.wav`)));
    const peak = samples.reduce((max, x) => Math.max(max, Math.abs(x)), 0);
    expect(Math.abs(20 * Math.log10(peak) - -1)).toBeLessThan(0.05);
    expect(result.gainDb).toBeCloseTo(20 * Math.log10(10 ** (-1 / 20) / 0.25), 1);
  });

  it('clips a full-scale square wave after the low-pass (as documented), and normalize avoids it', async () => {
    // The low-pass rings about 9 % above a square wave's edges (Gibbs): 16-bit full scale clips.
    const square = Float64Array.from({ length: 44100 }, (_, i) =>
      Math.floor((i * 2 * 500) / 44100) % 2 === 0 ? 32767 / 32768 : -1,
    );
    const input = await fixture('square.wav', encodeTestWav([square], 44100, 'int16'));
    const plain = await convertToPlayable(input, join(dir, 'square-out.wav'));
    expect(plain.clippedSamples).toBeGreaterThan(100);
    const normalised = await convertToPlayable(input, join(dir, 'square-norm.wav'), {
      normalize: true,
    });
    expect(normalised.clippedSamples).toBe(0);
    const peak = playSamples(await readFile(join(dir, 'square-norm.wav'))).reduce(
      (max, x) => Math.max(max, Math.abs(x)),
      0,
    );
    expect(Math.abs(20 * Math.log10(peak) + 1)).toBeLessThan(0.05);
  });

  it('normalize: −6 lowers a loud file to −6 dBFS', async () => {
    const input = await fixture(
      'loud.wav',
      encodeTestWav([tone(300, 44100, 0.3, 0.99)], 44100, 'int24'),
    );
    await convertToPlayable(input, `${input}.out.wav`, { normalize: -6 });
    const samples = playSamples(new Uint8Array(await readFile(`${input}.out.wav`)));
    const peak = samples.reduce((max, x) => Math.max(max, Math.abs(x)), 0);
    expect(Math.abs(20 * Math.log10(peak) - -6)).toBeLessThan(0.05);
  });

  it('trimSilence cuts leading and trailing silence and low noise', async () => {
    const rate = 22050;
    const noise = (seconds: number) =>
      Float64Array.from(
        { length: rate * seconds },
        () => (Math.random() - 0.5) * 2 * 10 ** (-70 / 20),
      );
    const body = tone(800, rate, 0.5, 0.5, 0.005);
    const signal = Float64Array.from([
      ...new Float64Array(rate * 0.4),
      ...noise(0.1),
      ...body,
      ...noise(0.25),
    ]);
    const input = await fixture('padded.wav', encodeTestWav([signal], rate, 'float32'));
    const result = await convertToPlayable(input, `${input}.out.wav`, { trimSilence: true });
    expect(Math.abs(result.durationSeconds - 0.5)).toBeLessThan(0.01);
    expect(Math.abs(result.trimmedSeconds.start - 0.5)).toBeLessThan(0.01);
    expect(Math.abs(result.trimmedSeconds.end - 0.25)).toBeLessThan(0.01);
    const samples = playSamples(new Uint8Array(await readFile(`${input}.out.wav`)));
    expect(Math.abs(samples[0]!)).toBeGreaterThanOrEqual(10 ** (-50 / 20) - 2 / 32768);
  });

  it('trimPadSeconds keeps that much of the quiet signal at each end, and no more than there is', async () => {
    const rate = 16000;
    const signal = Float64Array.from([
      ...new Float64Array(rate * 0.4),
      ...tone(800, rate, 0.5, 0.5, 0.005),
      ...new Float64Array(rate * 0.05),
    ]);
    const input = await fixture('pad.wav', encodeTestWav([signal], rate, 'int16'));
    const result = await convertToPlayable(input, `${input}.out.wav`, {
      trimSilence: true,
      trimPadSeconds: 0.1,
    });
    // 0.1 s kept before the tone, only the 0.05 s there is after it.
    expect(Math.abs(result.trimmedSeconds.start - 0.3)).toBeLessThan(0.01);
    expect(result.trimmedSeconds.end).toBeLessThan(0.002);
    expect(Math.abs(result.durationSeconds - 0.65)).toBeLessThan(0.01);
    const samples = playSamples(new Uint8Array(await readFile(`${input}.out.wav`)));
    expect(samples.slice(0, 700).every((sample) => Math.abs(sample) < 10 ** (-50 / 20))).toBe(true);
    await expect(
      convertToPlayable(input, `${input}.out.wav`, { trimSilence: true, trimPadSeconds: 2 }),
    ).rejects.toMatchObject({ code: 'OPTIONS_INVALID' });
  });

  it('trimSilence on a silent file fails with WAV_SILENT and writes nothing', async () => {
    const input = await fixture(
      'silent.wav',
      encodeTestWav([new Float64Array(8000)], 8000, 'int16'),
    );
    await expect(
      convertToPlayable(input, join(dir, 'silent-out.wav'), { trimSilence: true }),
    ).rejects.toMatchObject({ code: 'WAV_SILENT' });
    expect((await readdir(dir)).includes('silent-out.wav')).toBe(false);
    expect(await leftovers()).toEqual([]);
  });

  it('refuses bad option values with OPTIONS_INVALID', async () => {
    const input = await fixture('opt.wav', encodeTestWav([tone(1000, 8000, 0.1)], 8000, 'int16'));
    await expect(
      convertToPlayable(input, `${input}.out.wav`, { normalize: 3 }),
    ).rejects.toMatchObject({
      code: 'OPTIONS_INVALID',
      message: 'normalize: expected true, false or a peak level in dBFS from -60 to 0; received 3',
    });
  });
});

describe('convertToPlayable: atomic writes', () => {
  it('converts in place when input and output are the same path', async () => {
    const path = await fixture(
      'inplace.wav',
      encodeTestWav([tone(1000, 48000, 0.3, 0.5)], 48000, 'float32'),
    );
    await convertAndCheck(path, path);
    expect(await leftovers()).toEqual([]);
  });

  it('a refused input leaves no output, no temp file, and an existing output untouched', async () => {
    const input = await fixture('page.wav', '<!DOCTYPE html><html><body>404</body></html>');
    const output = await fixture('keep.wav', 'previous content');
    const error = await convertToPlayable(input, output).catch((e: unknown) => e);
    expect(isSiphookError(error, 'WAV_UNSUPPORTED_FORMAT')).toBe(true);
    expect((error as Error).message).toMatch(
      /is an HTML page, not audio; expected a WAV file or audio that ffmpeg decodes$/,
    );
    expect(await readFile(output, 'utf8')).toBe('previous content');
    expect(await leftovers()).toEqual([]);
  });

  it('an aborted conversion leaves nothing behind', async () => {
    const input = await fixture(
      'long.wav',
      encodeTestWav([tone(1000, 48000, 3, 0.5)], 48000, 'int16'),
    );
    const controller = new AbortController();
    const pending = convertToPlayable(input, join(dir, 'aborted.wav'), {
      signal: controller.signal,
    });
    setImmediate(() => controller.abort());
    await expect(pending).rejects.toMatchObject({ code: 'CONVERT_ABORTED' });
    expect((await readdir(dir)).includes('aborted.wav')).toBe(false);
    expect(await leftovers()).toEqual([]);
  });

  it('reports WAV_READ_FAILED for a missing input and WAV_WRITE_FAILED for a missing output folder', async () => {
    await expect(
      convertToPlayable(join(dir, 'nope.wav'), join(dir, 'x.wav')),
    ).rejects.toMatchObject({ code: 'WAV_READ_FAILED' });
    const input = await fixture('ok.wav', encodeTestWav([tone(1000, 8000, 0.1)], 8000, 'int16'));
    await expect(convertToPlayable(input, join(dir, 'missing', 'x.wav'))).rejects.toMatchObject({
      code: 'WAV_WRITE_FAILED',
    });
  });

  it('refuses a WAV without audio frames with WAV_NO_AUDIO', async () => {
    const empty = encodeTestWav([new Float64Array(0)], 8000, 'int16');
    const input = await fixture('noframes.wav', empty);
    await expect(convertToPlayable(input, join(dir, 'noframes-out.wav'))).rejects.toMatchObject({
      code: 'WAV_NO_AUDIO',
    });
    expect(await leftovers()).toEqual([]);
  });
});

describe('convertToPlayable: ffmpeg path', () => {
  const run = promisify(execFile);
  let ffmpeg: string;
  beforeAll(async () => {
    ffmpeg = await findFfmpeg();
  });

  it('converts a real MP3 made here with the ffmpeg it finds', async () => {
    const mp3 = join(dir, 'tone.mp3');
    await run(ffmpeg, [
      '-nostdin',
      '-loglevel',
      'error',
      '-y',
      '-f',
      'lavfi',
      '-i',
      'aevalsrc=0.25*sin(2*PI*1000*t)|0.25*sin(2*PI*1000*t):s=44100:d=1',
      '-b:a',
      '192k',
      mp3,
    ]);
    const result = await convertToPlayable(mp3, join(dir, 'from-mp3.wav'));
    expect(result.method).toBe('ffmpeg');
    expect(result.inputInfo?.detected).toBe('mp3');
    const samples = playSamples(await convertAndCheck(mp3, join(dir, 'from-mp3.wav')));
    expect(Math.abs(samples.length - 8000)).toBeLessThan(400); // MP3 adds encoder padding
    // Stereo of amplitude 0.25 in both channels: the mono mix keeps 0.25 (MP3 costs a little).
    expect(
      Math.abs(20 * Math.log10(goertzelAmplitude(samples, 8000, 1000, 1000, 4096) / 0.25)),
    ).toBeLessThan(0.5);
    expect(await leftovers()).toEqual([]);
  });

  it('decodes ADPCM WAV (a tag the TypeScript pipeline does not handle) through ffmpeg, normalised', async () => {
    const adpcm = join(dir, 'adpcm.wav');
    await run(ffmpeg, [
      '-nostdin',
      '-loglevel',
      'error',
      '-y',
      '-f',
      'lavfi',
      '-i',
      'sine=frequency=600:duration=0.5:sample_rate=22050',
      '-acodec',
      'adpcm_ms',
      adpcm,
    ]);
    const result = await convertToPlayable(adpcm, join(dir, 'from-adpcm.wav'), { normalize: -3 });
    expect(result.method).toBe('ffmpeg');
    const samples = playSamples(
      await convertAndCheck(adpcm, join(dir, 'from-adpcm.wav'), { normalize: -3 }),
    );
    const peak = samples.reduce((max, x) => Math.max(max, Math.abs(x)), 0);
    expect(Math.abs(20 * Math.log10(peak) - -3)).toBeLessThan(0.05);
  });

  it('reports FFMPEG_FAILED for binary garbage and leaves nothing behind', async () => {
    const input = await fixture(
      'garbage.bin',
      Uint8Array.from({ length: 4096 }, (_, i) => (i * 7919) & 0xff),
    );
    const error = await convertToPlayable(input, join(dir, 'garbage.wav')).catch((e: unknown) => e);
    expect(isSiphookError(error, 'FFMPEG_FAILED')).toBe(true);
    expect((await readdir(dir)).includes('garbage.wav')).toBe(false);
    expect(await leftovers()).toEqual([]);
  });

  it('FFMPEG_PATH pointing nowhere is FFMPEG_NOT_FOUND', async () => {
    const previous = process.env.FFMPEG_PATH;
    process.env.FFMPEG_PATH = join(dir, 'no-ffmpeg');
    try {
      await expect(findFfmpeg()).rejects.toMatchObject({ code: 'FFMPEG_NOT_FOUND' });
    } finally {
      if (previous === undefined) delete process.env.FFMPEG_PATH;
      else process.env.FFMPEG_PATH = previous;
    }
  });

  it('rewrites canonically what ffmpeg-like tools leave with extra chunks', async () => {
    // A RIFF made by hand in the Play format, with LIST after data: the pipeline path re-writes it.
    const data = encodeTestWav([tone(1000, 8000, 0.2, 0.5)], 8000, 'int16');
    const chunks = [
      { id: 'fmt ', body: data.subarray(20, 36) },
      { id: 'data', body: data.subarray(44) },
      { id: 'LIST', body: new Uint8Array(10) },
    ];
    const input = await fixture('list-after.wav', riff(chunks));
    const file = await convertAndCheck(input);
    expect(file.length).toBe(data.length);
  });
});

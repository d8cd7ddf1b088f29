// End to end with real tools: WAV codecs written by sox and decoded here (wavefile or in place)
// must give exactly the samples sox decodes; ffmpeg's path must be deterministic and checked.
// sox is the Debian package `sox`; without it the sox comparisons are skipped with a message.
import { execFile, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convertToPlayable } from '../src/convert-to-playable.js';
import { createMonoDecoder, pcmLayoutOf } from '../src/decode-pcm.js';
import { findFfmpeg } from '../src/ffmpeg.js';
import { inspectWav } from '../src/inspect-wav.js';
import { measurePlayFile, verifyConversion } from '../src/verify-conversion.js';
import { goertzelAmplitude, playSamples } from './convert-signals.js';
import { buildWav } from './wav-bytes.js';

const run = promisify(execFile);
const haveSox = spawnSync('sox', ['--version'], { stdio: 'ignore' }).status === 0;
if (!haveSox)
  console.warn('sox is missing: the comparisons with sox are skipped (apt-get install sox)');

let dir: string;
let ffmpeg: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'siphook-real-codecs-'));
  ffmpeg = await findFfmpeg();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const sox = (args: string[]) => run('sox', args);
const ffmpegRun = (args: string[]) =>
  run(ffmpeg, ['-nostdin', '-loglevel', 'error', '-y', ...args]);

/** sox's own decoding of a file: its channels mixed to mono by averaging, as float64. */
async function soxMono(path: string, channels: number): Promise<Float64Array> {
  const raw = join(dir, 'sox-decoded.f64');
  await sox([path, '-t', 'raw', '-e', 'floating-point', '-b', '64', '-L', raw]);
  const bytes = await readFile(raw);
  const values = new Float64Array(bytes.buffer, bytes.byteOffset, bytes.length / 8);
  const mono = new Float64Array(values.length / channels);
  for (let i = 0; i < mono.length; i++) {
    let sum = 0;
    for (let c = 0; c < channels; c++) sum += values[i * channels + c]!;
    mono[i] = sum / channels;
  }
  return mono;
}

/** Our decoding of the whole data region of a WAV file, as the converter streams it. */
async function ourMono(path: string): Promise<Float32Array> {
  const info = await inspectWav(path);
  const layout = pcmLayoutOf(info.format!, info.container);
  const file = await readFile(path);
  const blocks = Math.floor(info.dataSize! / layout.blockAlign);
  const data = file.subarray(info.dataOffset!, info.dataOffset! + blocks * layout.blockAlign);
  const out = new Float32Array(blocks * layout.framesPerBlock);
  (await createMonoDecoder(layout))(data, blocks, out);
  return out;
}

/** Every WAV codec decoded in TypeScript, as sox writes it (`-B` makes RIFX). */
const VARIANTS: { name: string; channels: number; args: string[]; twin?: string[] }[] = [
  {
    name: 'RIFX 16-bit stereo 16 kHz',
    channels: 2,
    args: ['-r', '16000', '-c', '2', '-b', '16', '-e', 'signed-integer', '-B'],
  },
  {
    name: 'RIFX 24-bit mono 48 kHz (EXTENSIBLE)',
    channels: 1,
    args: ['-r', '48000', '-c', '1', '-b', '24', '-e', 'signed-integer', '-B'],
  },
  {
    name: 'RIFX 32-bit integer stereo 44.1 kHz',
    channels: 2,
    args: ['-r', '44100', '-c', '2', '-b', '32', '-e', 'signed-integer', '-B'],
  },
  {
    name: 'RIFX 32-bit float stereo 22.05 kHz',
    channels: 2,
    args: ['-r', '22050', '-c', '2', '-b', '32', '-e', 'floating-point', '-B'],
  },
  {
    name: 'RIFX 8-bit unsigned mono 11.025 kHz',
    channels: 1,
    args: ['-r', '11025', '-c', '1', '-b', '8', '-e', 'unsigned-integer', '-B'],
  },
  { name: 'A-law mono 8 kHz', channels: 1, args: ['-r', '8000', '-c', '1', '-e', 'a-law'] },
  { name: 'µ-law stereo 8 kHz', channels: 2, args: ['-r', '8000', '-c', '2', '-e', 'u-law'] },
  {
    name: 'IMA ADPCM mono 8 kHz',
    channels: 1,
    args: ['-r', '8000', '-c', '1', '-e', 'ima-adpcm'],
  },
];

describe.skipIf(!haveSox)('WAV codecs decoded in TypeScript, compared with sox', () => {
  for (const variant of VARIANTS) {
    it(`${variant.name}: the same samples as sox, and converted without ffmpeg`, async () => {
      const path = join(dir, `${variant.name.replace(/\W+/g, '-')}.wav`);
      // Two tones, one per channel (both in a mono file), 1.3 s: not a whole number of ADPCM blocks.
      await sox([
        '-n',
        ...variant.args,
        path,
        'synth',
        '1.3',
        'sine',
        '300',
        'sine',
        '1100',
        'vol',
        '0.4',
      ]);
      const expected = await soxMono(path, variant.channels);
      const decoded = await ourMono(path);
      expect(decoded.length).toBe(expected.length);
      let worst = 0;
      for (let i = 0; i < decoded.length; i++)
        worst = Math.max(worst, Math.abs(decoded[i]! - expected[i]!));
      expect(worst).toBeLessThan(1e-6); // float32 rounding of exact values

      const result = await convertToPlayable(path, `${path}.play.wav`, { ffmpegPath: '/nowhere' });
      expect(result.method).toBe('pcm');
      // The 300 Hz tone keeps the level it has in sox's decoding of the source.
      const samples = playSamples(await readFile(`${path}.play.wav`));
      const level = goertzelAmplitude(samples, 8000, 300, 2000, 4000);
      const rate = (await inspectWav(path)).format!.sampleRate;
      const source = goertzelAmplitude(
        expected,
        rate,
        300,
        Math.round(rate / 4),
        Math.round(rate / 2),
      );
      expect(Math.abs(20 * Math.log10(level / source))).toBeLessThan(0.1);
    });
  }

  it('RIFX converts to exactly the bytes its little-endian twin converts to', async () => {
    const rifx = join(dir, 'twin-rifx.wav');
    const riff = join(dir, 'twin-riff.wav');
    await sox([
      '-n',
      '-r',
      '44100',
      '-c',
      '2',
      '-b',
      '24',
      '-B',
      rifx,
      'synth',
      '1',
      'sine',
      '440',
      'vol',
      '0.5',
    ]);
    await sox([rifx, '-L', riff]);
    expect((await inspectWav(rifx)).container).toBe('RIFX');
    expect((await inspectWav(riff)).container).toBe('RIFF');
    await convertToPlayable(rifx, `${rifx}.play.wav`);
    await convertToPlayable(riff, `${riff}.play.wav`);
    expect(await readFile(`${rifx}.play.wav`)).toEqual(await readFile(`${riff}.play.wav`));
  });

  it('the check after conversion refuses the noise ffmpeg makes of RIFX, measured against sox', async () => {
    // The bug this package had: ffmpeg (the npm build) reads 16-bit RIFX byte-swapped.
    const rifx = join(dir, 'noise-rifx.wav');
    await sox([
      '-n',
      '-r',
      '8000',
      '-c',
      '1',
      '-b',
      '16',
      '-B',
      rifx,
      'synth',
      '1',
      'sine',
      '440',
      'vol',
      '0.3',
    ]);
    const mono = await soxMono(rifx, 1);
    let squares = 0;
    for (const value of mono) squares += value * value;
    const source = { durationSeconds: mono.length / 8000, energy: squares / 8000 };
    const effects = {
      gain: 1,
      trimmedSeconds: 0,
      durationToleranceSeconds: 0.1,
      mayBeShorter: true,
    };

    const viaFfmpeg = join(dir, 'noise-rifx.ffmpeg.wav');
    await ffmpegRun([
      '-i',
      rifx,
      '-ac',
      '1',
      '-ar',
      '8000',
      '-acodec',
      'pcm_s16le',
      '-fflags',
      '+bitexact',
      '-map_metadata',
      '-1',
      viaFfmpeg,
    ]);
    const noise = await measurePlayFile(viaFfmpeg);
    expect(() => verifyConversion(rifx, source, noise, effects)).toThrow(
      /louder than the source.*the decoder produced noise instead of the source; nothing was written$/,
    );
    // Our own conversion of the same file passes the same check against sox's measurement.
    await convertToPlayable(rifx, `${rifx}.play.wav`);
    const ours = await measurePlayFile(`${rifx}.play.wav`);
    expect(() => verifyConversion(rifx, source, ours, effects)).not.toThrow();
  });
});

describe('ffmpeg path: deterministic, and checked after every conversion', () => {
  /** 16-bit sources: ffmpeg once ran soxr on int16 for these, which dithers with a clock seed. */
  const SOURCES: [string, string[]][] = [
    ['flac', ['-sample_fmt', 's16', '-c:a', 'flac']],
    ['au', ['-c:a', 'pcm_s16be']],
    ['aiff', ['-c:a', 'pcm_s16be']],
    ['caf', ['-c:a', 'pcm_s16le']],
    ['webm', ['-c:a', 'libopus', '-b:a', '64k']],
    ['mp3', ['-c:a', 'libmp3lame', '-b:a', '128k']],
    ['ogg', ['-c:a', 'libvorbis']],
    ['m4a', ['-c:a', 'aac', '-b:a', '96k']],
  ];
  for (const [extension, codec] of SOURCES) {
    it(`${extension}: the same bytes on every run, with the source's duration and level`, async () => {
      const input = join(dir, `tones.${extension}`);
      await ffmpegRun([
        '-f',
        'lavfi',
        '-i',
        'aevalsrc=0.3*sin(2*PI*440*t)|0.3*sin(2*PI*1250*t):s=44100:d=1.5',
        ...codec,
        input,
      ]);
      const runs: Buffer[] = [];
      for (let i = 0; i < 3; i++) {
        const result = await convertToPlayable(input, join(dir, `tones-${extension}-${i}.wav`));
        expect(result.method).toBe('ffmpeg');
        expect(Math.abs(result.durationSeconds - 1.5)).toBeLessThan(0.1);
        runs.push(await readFile(join(dir, `tones-${extension}-${i}.wav`)));
      }
      expect(runs[1]).toEqual(runs[0]);
      expect(runs[2]).toEqual(runs[0]);
      const level = goertzelAmplitude(playSamples(runs[0]!), 8000, 440, 2000, 4096);
      expect(Math.abs(20 * Math.log10(level / 0.15))).toBeLessThan(0.5);
    });
  }

  it('recognises CAF and WebM by their magic and names them', async () => {
    expect((await inspectWav(join(dir, 'tones.caf'))).detected).toBe('caf');
    expect((await inspectWav(join(dir, 'tones.webm'))).detected).toBe('webm');
  });
});

describe('WAV files whose header is wrong, converted all the same', () => {
  /** 1 s of a 500 Hz tone at 8 kHz mono 16-bit, at 8000/32768 of full scale. */
  const samples = new Uint8Array(16000);
  const view = new DataView(samples.buffer);
  for (let i = 0; i < 8000; i++)
    view.setInt16(i * 2, Math.round(8000 * Math.sin((2 * Math.PI * 500 * i) / 8000)), true);

  it('reads to the end of the file when the data size was left at 0', async () => {
    const path = join(dir, 'size-zero.wav');
    await writeFile(path, buildWav({ data: samples, dataSize: 0 }));
    const result = await convertToPlayable(path, `${path}.play.wav`, { ffmpegPath: '/nowhere' });
    expect(result).toMatchObject({ method: 'pcm', durationSeconds: 1 });
    // 8 kHz mono 16-bit passes through bit for bit.
    expect((await readFile(`${path}.play.wav`)).subarray(44)).toEqual(Buffer.from(samples));
  });

  it('hands more than 4096 chunks before data, and a binary chunk id before data, to ffmpeg', async () => {
    const many = join(dir, 'many-chunks.wav');
    const junk = Array.from({ length: 5000 }, () => ({ id: 'JUNK', body: 0 }));
    await writeFile(many, buildWav({ data: samples, chunks: ['fmt', ...junk, 'data'] }));
    const binary = join(dir, 'binary-id.wav');
    const odd = { id: '\xde\xad\xbe\xef', body: 4 };
    await writeFile(binary, buildWav({ data: samples, chunks: ['fmt', odd, 'data'] }));
    for (const path of [many, binary]) {
      const result = await convertToPlayable(path, `${path}.play.wav`);
      expect(result.method).toBe('ffmpeg');
      expect(result.durationSeconds).toBe(1);
      const output = playSamples(await readFile(`${path}.play.wav`));
      const level = goertzelAmplitude(output, 8000, 500, 1000, 4096);
      expect(Math.abs(20 * Math.log10(level / (8000 / 32768)))).toBeLessThan(0.2);
    }
  });
});

describe('a truncated file through ffmpeg', () => {
  it('converts the audio present, as the TypeScript path does for a truncated WAV', async () => {
    const flac = join(dir, 'cut.flac');
    await ffmpegRun(['-f', 'lavfi', '-i', 'sine=frequency=440:duration=3:sample_rate=44100', flac]);
    const whole = await readFile(flac);
    await writeFile(flac, whole.subarray(0, Math.floor(whole.length / 2)));
    const result = await convertToPlayable(flac, `${flac}.play.wav`);
    expect(result.method).toBe('ffmpeg');
    expect(result.durationSeconds).toBeGreaterThan(1);
    expect(result.durationSeconds).toBeLessThan(2.5);
  });
});

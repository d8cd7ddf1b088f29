import { execFile, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { checkPlayable, findFfmpeg, inspectWav } from '@siphook/wav';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pcmWav, run, sine } from '../../test/cli-harness.js';
import { runJobs } from './wav-convert.js';

const haveSox = spawnSync('sox', ['--version'], { stdio: 'ignore' }).status === 0;
if (!haveSox)
  console.warn('sox is missing: the raw GSM folder test is skipped (apt-get install sox)');

/** 0.3 s of a 440 Hz sine at `rate`, encoded by the real ffmpeg with `codec` options into `output`. */
async function sineWithFfmpeg(rate: number, codec: string[], output: string): Promise<void> {
  const source = `sine=frequency=440:duration=0.3:sample_rate=${rate}`;
  const args = ['-nostdin', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', source];
  await promisify(execFile)(await findFfmpeg(), [...args, ...codec, output]);
}

/** A plain PCM WAV of a 1 kHz sine at half scale. */
const toneWav = (rate: number, channels: number, seconds: number): Buffer =>
  pcmWav({
    rate,
    channels,
    frames: Math.round(rate * seconds),
    sample: sine(1000, rate, 16384 / 32767),
  });

async function expectPlayable(path: string): Promise<void> {
  const info = await inspectWav(path);
  expect(checkPlayable(info).ok).toBe(true);
  expect(info.dataOffset).toBe(44);
  expect(info.chunks.map((chunk) => chunk.id)).toEqual(['fmt ', 'data']);
}

let dir: string;
const path = (...names: string[]) => join(dir, ...names);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'siphook-cli-convert-'));
  await writeFile(path('music.wav'), toneWav(44100, 2, 0.5));
  await mkdir(path('prompts', 'de'), { recursive: true });
  await writeFile(path('prompts', 'hello.wav'), toneWav(48000, 1, 0.3));
  await writeFile(path('prompts', 'de', 'hallo.wav'), toneWav(16000, 2, 0.3));
  await writeFile(path('prompts', 'notes.md'), '# not audio, and not picked up: wrong extension');
  await writeFile(path('prompts', 'broken.mp3'), '<!DOCTYPE html><html>Not found</html>');
  await mkdir(path('empty-folder'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('siphook wav convert', () => {
  it('converts one file to the output file and prints one line', async () => {
    const result = await run(['wav', 'convert', path('music.wav'), '-o', path('music-8k.wav')]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${path('music.wav')} → ${path('music-8k.wav')}: 0.50 s, pcm\n`);
    expect(result.stderr).toBe('');
    await expectPlayable(path('music-8k.wav'));
  });

  it('converts a folder recursively into an output folder; a non-audio file makes the exit status 1', async () => {
    const result = await run(['wav', 'convert', path('prompts'), '-o', path('out'), '--json']);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as {
      converted: number;
      failed: number;
      results: { input: string; ok: boolean; error?: { code: string } }[];
    };
    expect([report.converted, report.failed]).toEqual([2, 1]);
    expect(report.results.find((item) => !item.ok)?.error?.code).toBe('WAV_UNSUPPORTED_FORMAT');
    expect((await readdir(path('out'), { recursive: true })).sort()).toEqual([
      'de',
      join('de', 'hallo.wav'),
      'hello.wav',
    ]);
    await expectPlayable(path('out', 'hello.wav'));
    await expectPlayable(path('out', 'de', 'hallo.wav'));
  });

  it('normalises (`--normalize -3`, negative value as its own argument) and trims', async () => {
    const result = await run([
      'wav',
      'convert',
      path('music.wav'),
      '-o',
      path('loud.wav'),
      '--normalize',
      '-3',
      '--trim-silence',
      '--json',
    ]);
    expect(result.code).toBe(0);
    const item = (JSON.parse(result.stdout) as { results: { gainDb: number }[] }).results[0]!;
    // The input peaks at 0.5 (−6 dBFS): about +3 dB brings it to −3 dBFS (its abrupt start and end
    // ring a little above 0.5 after the low-pass, so slightly less).
    expect(Math.abs(item.gainDb - 3)).toBeLessThan(0.15);
    await expectPlayable(path('loud.wav'));
  });

  it('exits 2 for a missing input, a bad level, or several inputs into one file', async () => {
    const missing = await run(['wav', 'convert', path('nope.wav'), '-o', path('x.wav')]);
    expect(missing.code).toBe(2);
    expect(missing.stdout).toBe('');
    expect(missing.stderr).toMatch(/^siphook wav convert: .*nope\.wav: not converted: cannot read/);
    expect(
      (await run(['wav', 'convert', path('music.wav'), '-o', path('x.wav'), '--normalize=4'])).code,
    ).toBe(2);
    const swallowed = await run([
      'wav',
      'convert',
      '--normalize',
      path('music.wav'),
      '-o',
      path('x.wav'),
    ]);
    expect(swallowed.code).toBe(2);
    expect(swallowed.stderr).toMatch(/put --normalize after the inputs/);
    const several = await run([
      'wav',
      'convert',
      path('music.wav'),
      path('prompts', 'hello.wav'),
      '-o',
      path('music-8k.wav'),
    ]);
    expect(several.code).toBe(2);
    expect(several.stderr).toMatch(/is a file; several inputs need an output folder/);
    expect(await readFile(path('music-8k.wav'))).toHaveLength(44 + 8000);
  });

  it('gives two inputs with one stem distinct output names, reports them, and converts both', async () => {
    // x.aiff and x.au (made by the real ffmpeg), and a second music.wav from another folder.
    await sineWithFfmpeg(16000, ['-c:a', 'pcm_s16be'], path('x.aiff'));
    await sineWithFfmpeg(16000, ['-c:a', 'pcm_s16be'], path('x.au'));
    await mkdir(path('a'), { recursive: true });
    await writeFile(path('a', 'music.wav'), toneWav(8000, 1, 0.1));
    const inputs = [path('x.aiff'), path('x.au'), path('music.wav'), path('a', 'music.wav')];
    const result = await run(['wav', 'convert', ...inputs, '-o', path('same'), '--json']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as {
      converted: number;
      results: { input: string; output: string; ok: boolean }[];
    };
    expect(report.converted).toBe(4);
    expect(report.results.map((item) => [item.input, item.output])).toEqual([
      [path('x.aiff'), path('same', 'x.wav')],
      [path('x.au'), path('same', 'x.au.wav')],
      [path('music.wav'), path('same', 'music.wav')],
      [path('a', 'music.wav'), path('same', 'music-2.wav')],
    ]);
    for (const name of ['x.wav', 'x.au.wav', 'music.wav', 'music-2.wav'])
      await expectPlayable(path('same', name));
    const text = await run([
      'wav',
      'convert',
      path('x.aiff'),
      path('x.au'),
      '-o',
      path('same-text'),
    ]);
    expect(text.stdout).toContain(
      `${path('x.au')} → ${path('same-text', 'x.au.wav')}: 0.30 s, ffmpeg`,
    );
  });

  it('refuses several inputs into one new .wav file with exit 2, saying why, and creates nothing', async () => {
    const result = await run([
      'wav',
      'convert',
      path('music.wav'),
      path('prompts', 'hello.wav'),
      '-o',
      path('out2', 'single.wav'),
    ]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `siphook wav convert: --output "${path('out2', 'single.wav')}" names one WAV file, but 2 files are to be converted; give a folder (end it with "/" if its name should end in .wav)\n`,
    );
    await expect(readdir(path('out2'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('creates the folders of a single output file', async () => {
    const output = path('newdir', 'sub', 'out.wav');
    const result = await run(['wav', 'convert', path('music.wav'), '-o', output]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    await expectPlayable(output);
  });

  it('prints JSON with --json also for a usage error', async () => {
    const result = await run(['wav', 'convert', path('empty-folder'), '-o', path('x'), '--json']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual({
      converted: 0,
      failed: 0,
      results: [],
      error: {
        code: 'WAV_NO_FILES',
        message: `no audio files in folder "${path('empty-folder')}"`,
      },
    });
  });

  it('takes from a folder every file a single argument takes: .gsm, .voc, .8svx, and audio without an extension', async () => {
    await mkdir(path('odd'), { recursive: true });
    await sineWithFfmpeg(8000, ['-c:a', 'pcm_u8', '-f', 'voc'], path('odd', 'creative.voc'));
    await sineWithFfmpeg(8000, ['-c:a', 'flac', '-f', 'flac'], path('odd', 'no-extension'));
    // 8SVX: an IFF FORM with VHDR and BODY, 8-bit signed samples (ffmpeg writes none).
    const body = Buffer.from(
      Array.from({ length: 2400 }, (_, i) => Math.round(60 * Math.sin(i / 3)) & 0xff),
    );
    const vhdr = Buffer.alloc(20);
    vhdr.writeUInt32BE(2400, 0);
    vhdr.writeUInt16BE(8000, 12);
    vhdr.writeUInt8(1, 14);
    vhdr.writeUInt32BE(0x10000, 16);
    const iff = (id: string, data: Buffer) => {
      const head = Buffer.alloc(8);
      head.write(id, 0, 'latin1');
      head.writeUInt32BE(data.length, 4);
      return Buffer.concat([head, data]);
    };
    const form = Buffer.concat([Buffer.from('8SVX'), iff('VHDR', vhdr), iff('BODY', body)]);
    await writeFile(path('odd', 'amiga.8svx'), iff('FORM', form));
    await writeFile(path('odd', 'readme.txt'), 'not audio, and not taken');
    const result = await run(['wav', 'convert', path('odd'), '-o', path('odd-out'), '--json']);
    const report = JSON.parse(result.stdout) as { results: { input: string; ok: boolean }[] };
    expect(report.results.map((item) => [item.input, item.ok])).toEqual([
      [path('odd', 'amiga.8svx'), true],
      [path('odd', 'creative.voc'), true],
      [path('odd', 'no-extension'), true],
    ]);
    expect(result.code).toBe(0);
  });

  it.skipIf(!haveSox)('takes raw .gsm files from a folder (made by sox)', async () => {
    await mkdir(path('gsm'), { recursive: true });
    await promisify(execFile)('sox', [
      '-n',
      '-r',
      '8000',
      '-c',
      '1',
      path('gsm', 'raw.gsm'),
      'synth',
      '0.5',
      'sine',
      '440',
    ]);
    const result = await run(['wav', 'convert', path('gsm'), '-o', path('gsm-out')]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      `${path('gsm', 'raw.gsm')} → ${path('gsm-out', 'raw.wav')}: 0.50 s, ffmpeg\n`,
    );
  });

  it('the built bin converts several inputs in worker threads (-j 2)', async () => {
    // Tests run after the build (turbo: test dependsOn build), so dist/ holds the worker.
    const bin = fileURLToPath(new URL('../../bin/siphook.js', import.meta.url));
    const args = [
      bin,
      'wav',
      'convert',
      path('music.wav'),
      path('prompts'),
      '-o',
      path('bin-out'),
      '-j',
      '2',
      '--json',
    ];
    const result = await promisify(execFile)(process.execPath, args).then(
      (done) => ({ code: 0, stdout: done.stdout }),
      (error: { code: number; stdout: string }) => ({ code: error.code, stdout: error.stdout }),
    );
    expect(result.code).toBe(1); // prompts/broken.mp3 is HTML
    const report = JSON.parse(result.stdout) as {
      converted: number;
      failed: number;
      results: { input: string; error?: { code: string } }[];
    };
    expect([report.converted, report.failed]).toEqual([3, 1]);
    expect(report.results.find((item) => item.error !== undefined)?.error?.code).toBe(
      'WAV_UNSUPPORTED_FORMAT',
    );
    for (const name of ['music.wav', 'hello.wav', join('de', 'hallo.wav')])
      await expectPlayable(path('bin-out', name));
  });
});

describe('the worker pool of wav convert', () => {
  it('fails only the job a dead worker held, replaces the worker, and always finishes', async () => {
    // A real worker thread that exits or throws on purpose for inputs named exit-* / throw-*
    // (there is no honest input that makes the real converter crash its thread).
    const crashing = new URL('../../test/fixtures/crashing-convert-worker.mjs', import.meta.url);
    await mkdir(path('pool'), { recursive: true });
    const names = ['one', 'exit-a', 'two', 'throw-b', 'three', 'exit-c', 'four'];
    for (const name of names) await writeFile(path('pool', `${name}.wav`), toneWav(16000, 1, 0.1));
    const jobs = names.map((name) => ({
      input: path('pool', `${name}.wav`),
      output: path('pool', `${name}-8k.wav`),
    }));
    let done = 0;
    const outcomes = await runJobs(
      jobs,
      {},
      {
        concurrency: 2,
        signal: new AbortController().signal,
        onDone: () => done++,
        workerFile: crashing,
      },
    );
    expect(done).toBe(names.length);
    expect(outcomes.map((outcome) => outcome.error?.code ?? 'ok')).toEqual([
      'ok',
      'WAV_WORKER_FAILED',
      'ok',
      'WAV_WORKER_FAILED',
      'ok',
      'WAV_WORKER_FAILED',
      'ok',
    ]);
    expect(outcomes[1]?.error?.message).toMatch(/stopped \(exit code 3\) while converting/);
    expect(outcomes[3]?.error?.message).toMatch(/worker crashed on throw-b\.wav/);
    for (const name of ['one', 'two', 'three', 'four'])
      await expectPlayable(path('pool', `${name}-8k.wav`));
  }, 60_000);
});

// Converting to the Play format (8 kHz mono 16-bit PCM WAV), four ways:
//  0. a folder of prompts converted end to end by `siphook wav convert DIR -o OUT`, against sox
//     run once per file (what a shell loop does), in the same run;
//  1. whole-process wall time of `siphook wav convert` vs sox vs the npm ffmpeg binary on 60 s of
//     44.1 kHz stereo 16-bit audio, alternating in the same run (goal: ≤ 1.0× sox's time);
//  2. in-process convertToPlayable vs wavefile's toSampleRate on the same audio (goal: ≥ 10×);
//  3. peak RSS of `siphook wav convert` on a 60-minute input (goal: < 64 MB).
// Set-up installs sox with apt-get when it is missing; its rows are skipped if that fails.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { convertToPlayable } from '@siphook/wav';
import wavefile from 'wavefile';

const require = createRequire(import.meta.url);
const root = fileURLToPath(new URL('..', import.meta.url));
const cli = join(root, 'tools/cli/bin/siphook.js');
const ROUNDS = Number(process.env.ROUNDS ?? 7);
const HAVE_TIME = existsSync('/usr/bin/time');
const dir = await mkdtemp(join(tmpdir(), 'siphook-bench-convert-'));
const notes = [];
/** The conversion in a bare Node process: the library without the CLI's other commands. */
const LEAN =
  "const { convertToPlayable } = await import('@siphook/wav'); await convertToPlayable(process.argv[1], process.argv[2]);";
/** The same process without converting: what importing the library costs. */
const IMPORT_ONLY = "await import('@siphook/wav');";
class SkipRss extends Error {}

/**
 * Writes `seconds` of music-like audio (tones, a sweep, noise) as a PCM WAV file in 1 MiB steps:
 * 44.1 kHz stereo 16-bit unless told otherwise.
 */
async function writeInput(path, seconds, { rate = 44100, channels = 2, bits = 16 } = {}) {
  const bytes = bits / 8;
  const block = channels * bytes;
  const frames = Math.round(rate * seconds);
  const handle = await open(path, 'w');
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(36 + frames * block, 4);
  header.write('WAVEfmt ', 8, 'latin1');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(channels, 22);
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * block, 28);
  header.writeUInt16LE(block, 32);
  header.writeUInt16LE(bits, 34);
  header.write('data', 36, 'latin1');
  header.writeUInt32LE(frames * block, 40);
  await handle.write(header);
  // One pattern of at most 10 seconds, repeated: the content does not change the work, and this keeps set-up fast.
  const patternFrames = Math.min(frames, rate * 10);
  const pattern = Buffer.alloc(patternFrames * block);
  const full = 2 ** (bits - 1) - 1;
  let seed = 1;
  for (let i = 0; i < patternFrames; i++) {
    const t = i / rate;
    seed = (seed * 1103515245 + 12345) >>> 0;
    const noise = (seed / 2 ** 32 - 0.5) * 0.05;
    const values = [
      0.3 * Math.sin(2 * Math.PI * 440 * t) +
        0.2 * Math.sin(2 * Math.PI * (200 + 1500 * (t % 1)) * t) +
        noise,
      0.25 * Math.sin(2 * Math.PI * 660 * t) + noise,
    ];
    for (let c = 0; c < channels; c++)
      pattern.writeIntLE(Math.round(values[c % 2] * full), i * block + c * bytes, bytes);
  }
  for (let written = 0; written < frames; written += patternFrames) {
    const count = Math.min(patternFrames, frames - written);
    await handle.write(pattern, 0, count * block);
  }
  await handle.close();
}

/**
 * A folder of 40 prompts as people record them: 2 to 8 s each (200 s in all), a quarter each
 * 44.1 kHz stereo 16-bit, 48 kHz mono 24-bit, 16 kHz mono 16-bit and 22.05 kHz mono 16-bit.
 */
async function writePromptFolder(folder) {
  await mkdir(folder);
  const formats = [
    { rate: 44100, channels: 2, bits: 16 },
    { rate: 48000, channels: 1, bits: 24 },
    { rate: 16000, channels: 1, bits: 16 },
    { rate: 22050, channels: 1, bits: 16 },
  ];
  const files = [];
  for (let i = 0; i < 40; i++) {
    const path = join(folder, `prompt-${String(i).padStart(2, '0')}.wav`);
    await writeInput(path, 2 + (i % 7), formats[i % 4]);
    files.push(path);
  }
  return files;
}

function haveCommand(command, args) {
  const result = spawnSync(command, args, { stdio: 'ignore' });
  return result.error === undefined && result.status === 0;
}

/** sox for the comparison: installed with apt-get in the bench's own set-up when missing. */
function ensureSox() {
  if (haveCommand('sox', ['--version'])) return true;
  console.error('sox missing: apt-get update && apt-get install -y sox');
  const update = spawnSync('apt-get', ['update'], { stdio: 'ignore' });
  const install =
    update.status === 0
      ? spawnSync('apt-get', ['install', '-y', 'sox'], { stdio: 'ignore' })
      : update;
  if (install.status !== 0 || !haveCommand('sox', ['--version'])) {
    notes.push('sox could not be installed here (apt-get failed), so its row is skipped.');
    return false;
  }
  return true;
}

function npmFfmpeg() {
  try {
    const path = require('@ffmpeg-installer/ffmpeg').path;
    return existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Wall time of one child process, in ms, and its CPU time (user + system, from /usr/bin/time when
 * present): on a shared, loaded machine the CPU time says more about the work. Throws if it fails.
 */
function timeProcess(command, args) {
  const cpuFile = join(dir, 'cpu.txt');
  const timed = HAVE_TIME
    ? ['/usr/bin/time', ['-f', '%U %S', '-o', cpuFile, command, ...args]]
    : [command, args];
  const start = process.hrtime.bigint();
  const result = spawnSync(timed[0], timed[1], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr}`);
  let cpuMs = Number.NaN;
  if (HAVE_TIME) {
    const [user, system] = readFileSync(cpuFile, 'utf8').trim().split(/\s+/).slice(-2).map(Number);
    cpuMs = (user + system) * 1000;
  }
  return { ms, cpuMs };
}

const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
const fmt = (ms) => ms.toFixed(ms < 100 ? 1 : 0);

function printTable(title, header, rows) {
  console.log(
    [
      `### ${title}`,
      '',
      `| ${header.join(' | ')} |`,
      `| ${header.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`,
      ...rows.map((row) => `| ${row.join(' | ')} |`),
      '',
    ].join('\n'),
  );
}

/**
 * Runs each case's process once to warm caches, then ROUNDS times in alternation, and prints
 * medians of wall and CPU time with ratios against the baseline case.
 */
function compareProcesses(title, cases) {
  const times = cases.map(() => []);
  const cpuTimes = cases.map(() => []);
  for (const item of cases) item.run(); // warm the page cache and the binaries
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, item] of cases.entries()) {
      const { ms, cpuMs } = item.run();
      times[i].push(ms);
      cpuTimes[i].push(cpuMs);
    }
  }
  const medians = times.map(median);
  const cpuMedians = cpuTimes.map(median);
  const baseIndex = cases.findIndex((item) => item.baseline);
  const base = baseIndex >= 0 ? medians[baseIndex] : undefined;
  const cpuBase = baseIndex >= 0 ? cpuMedians[baseIndex] : undefined;
  printTable(
    title,
    [
      'case',
      'wall ms (median)',
      'min',
      'max',
      '× sox wall',
      'CPU ms (median)',
      '× sox CPU',
      'goal (wall)',
      'met',
    ],
    cases.map((item, i) => {
      const ratio = base === undefined ? undefined : medians[i] / base;
      const cpuRatio = cpuBase === undefined ? undefined : cpuMedians[i] / cpuBase;
      const goal =
        item.goal === undefined || base === undefined ? '' : `≤ ${item.goal.toFixed(1)}×`;
      const met = goal === '' ? '' : ratio <= item.goal ? 'yes' : 'NO';
      return [
        `${item.name}${item.baseline ? ' (baseline)' : ''}`,
        fmt(medians[i]),
        fmt(Math.min(...times[i])),
        fmt(Math.max(...times[i])),
        ratio === undefined ? '' : ratio.toFixed(2),
        fmt(cpuMedians[i]),
        cpuRatio === undefined || Number.isNaN(cpuRatio) ? '' : cpuRatio.toFixed(2),
        goal,
        met,
      ];
    }),
  );
}

try {
  const input = join(dir, 'music-60s.wav');
  await writeInput(input, 60);
  const soxOk = ensureSox();
  const ffmpeg = npmFfmpeg();
  if (ffmpeg === undefined)
    notes.push('@ffmpeg-installer/ffmpeg is not installed, so its row is skipped.');

  // 0. A folder of prompts, end to end: the CLI converts the whole folder (worker threads), sox
  // runs once per file as a shell loop would.
  const prompts = join(dir, 'prompts');
  const promptFiles = await writePromptFolder(prompts);
  const soxLoop = `for f in "$@"; do sox "$f" -r 8000 -c 1 -b 16 "${join(dir, 'sox-out')}/$(basename "$f")"; done`;
  await mkdir(join(dir, 'sox-out'));
  const folderCases = [
    {
      name: 'sox once per file (`for f in prompts/*.wav; do sox "$f" -r 8000 -c 1 -b 16 …; done`)',
      baseline: true,
      skip: !soxOk,
      run: () => timeProcess('sh', ['-c', soxLoop, 'sh', ...promptFiles]),
    },
    {
      name: '`siphook wav convert prompts -o out`',
      run: () =>
        timeProcess(process.execPath, [cli, 'wav', 'convert', prompts, '-o', join(dir, 'out')]),
    },
    {
      name: '`siphook wav convert prompts -o out -j 1`',
      run: () =>
        timeProcess(process.execPath, [
          cli,
          'wav',
          'convert',
          prompts,
          '-o',
          join(dir, 'out-1'),
          '-j',
          '1',
        ]),
    },
  ].filter((item) => !item.skip);
  compareProcesses(
    `convert a folder of 40 prompts (200 s of audio, 44.1/48/16/22.05 kHz), whole process, median of ${ROUNDS} alternating runs`,
    folderCases,
  );

  // 1. Whole-process wall time, alternating so that load on the shared machine hits all alike.
  const cases = [
    {
      name: 'sox in.wav -r 8000 -c 1 -b 16 out.wav',
      baseline: true,
      skip: !soxOk,
      run: () =>
        timeProcess('sox', [input, '-r', '8000', '-c', '1', '-b', '16', join(dir, 'sox.wav')]),
    },
    {
      name: '`siphook wav convert in.wav -o out.wav`',
      goal: 1.0,
      run: () =>
        timeProcess(process.execPath, [
          cli,
          'wav',
          'convert',
          input,
          '-o',
          join(dir, 'siphook.wav'),
        ]),
    },
    {
      name: 'ffmpeg (npm @ffmpeg-installer) -ac 1 -ar 8000 -acodec pcm_s16le',
      skip: ffmpeg === undefined,
      run: () =>
        timeProcess(ffmpeg, [
          '-nostdin',
          '-loglevel',
          'error',
          '-y',
          '-i',
          input,
          '-map_metadata',
          '-1',
          '-fflags',
          '+bitexact',
          '-flags:a',
          '+bitexact',
          '-ac',
          '1',
          '-ar',
          '8000',
          '-acodec',
          'pcm_s16le',
          join(dir, 'ffmpeg.wav'),
        ]),
    },
    {
      name: 'node + `import("@siphook/wav")` + convertToPlayable (no CLI)',
      run: () =>
        timeProcess(process.execPath, [
          '--input-type=module',
          '-e',
          LEAN,
          input,
          join(dir, 'lean.wav'),
        ]),
    },
    {
      name: '`siphook --help` (CLI start-up alone, for scale)',
      run: () => timeProcess(process.execPath, [cli, '--help']),
    },
    {
      name: '`node -e 0` (Node start-up alone, for scale)',
      run: () => timeProcess(process.execPath, ['-e', '0']),
    },
  ].filter((item) => !item.skip);
  compareProcesses(
    `convert 60 s of 44.1 kHz stereo 16-bit (10.1 MiB), whole process, median of ${ROUNDS} alternating runs`,
    cases,
  );

  // 2. In-process: convertToPlayable (file to file, the whole pipeline) vs wavefile's toSampleRate
  // on the already-parsed file (its resampler alone: whole file in memory, no mono mix).
  const bytes = await readFile(input);
  // The same file as RIFX: every header field and sample big-endian.
  const rifx = join(dir, 'music-60s-rifx.wav');
  const swapped = Buffer.from(bytes);
  swapped.write('RIFX', 0, 'latin1');
  for (const at of [4, 16, 24, 28, 40]) swapped.writeUInt32BE(bytes.readUInt32LE(at), at);
  for (const at of [20, 22, 32, 34]) swapped.writeUInt16BE(bytes.readUInt16LE(at), at);
  swapped.subarray(44).swap16();
  await writeFile(rifx, swapped);
  const inProcess = [
    {
      name: 'wavefile 11: new WaveFile(bytes).toSampleRate(8000) (from memory)',
      baseline: true,
      run: () => {
        const wav = new wavefile.WaveFile(bytes);
        wav.toSampleRate(8000);
        return wav;
      },
    },
    {
      name: 'convertToPlayable(in.wav, out.wav) (file to file)',
      goal: 10,
      run: () => convertToPlayable(input, join(dir, 'in-process.wav')),
    },
    {
      name: 'convertToPlayable of the same audio as big-endian RIFX (decoded by wavefile)',
      run: () => convertToPlayable(rifx, join(dir, 'in-process-rifx.wav')),
    },
  ];
  const inTimes = inProcess.map(() => []);
  const inRounds = Math.max(3, Math.ceil(ROUNDS / 2));
  for (let round = 0; round < inRounds; round++) {
    for (const [i, item] of inProcess.entries()) {
      globalThis.gc?.();
      const start = process.hrtime.bigint();
      await item.run();
      inTimes[i].push(Number(process.hrtime.bigint() - start) / 1e6);
    }
  }
  const inMedians = inTimes.map(median);
  printTable(
    `in-process conversion of the same 60 s, median of ${inRounds} alternating runs`,
    ['case', 'ms (median)', '× faster than baseline', 'goal', 'met'],
    inProcess.map((item, i) => {
      const ratio = inMedians[0] / inMedians[i];
      const goal = item.goal === undefined ? '' : `≥ ${item.goal}×`;
      return [
        `${item.name}${item.baseline ? ' (baseline)' : ''}`,
        fmt(inMedians[i]),
        ratio.toFixed(1),
        goal,
        goal === '' ? '' : ratio >= item.goal ? 'yes' : 'NO',
      ];
    }),
  );

  // 3. Peak RSS on a 60-minute input (605 MiB), measured by /usr/bin/time -v on the CLI process.
  const big = join(dir, 'music-60min.wav');
  await writeInput(big, 3600);
  const rssOf = (args) => {
    const result = spawnSync('/usr/bin/time', ['-v', process.execPath, ...args], {
      encoding: 'utf8',
    });
    if (result.status !== 0) throw new Error(`${args.join(' ')} failed: ${result.stderr}`);
    const match = /Maximum resident set size \(kbytes\): (\d+)/.exec(result.stderr);
    return Number(match?.[1]) / 1024;
  };
  if (!existsSync('/usr/bin/time')) {
    notes.push('/usr/bin/time is missing (apt-get install time), so peak RSS is not measured.');
    throw new SkipRss();
  }
  const measured = (args) => {
    const start = process.hrtime.bigint();
    const rss = rssOf(args);
    return { rss, seconds: Number(process.hrtime.bigint() - start) / 1e9 };
  };
  const lean = (file) => ['--input-type=module', '-e', LEAN, file, join(dir, 'lean-rss.wav')];
  const viaCli = (file) => [cli, 'wav', 'convert', file, '-o', join(dir, 'cli-rss.wav')];
  const rows = [
    ['`node -e 0` (Node alone)', measured(['-e', '0'])],
    [
      'node + `import("@siphook/wav")`, no conversion',
      measured(['--input-type=module', '-e', IMPORT_ONLY]),
    ],
    ['node + convertToPlayable, 60 s input (10.1 MiB)', measured(lean(input))],
    ['node + convertToPlayable, 60 min input (605.6 MiB)', measured(lean(big)), true],
    [
      'same, with `node --max-semi-space-size=1` (V8 young generation kept small)',
      measured(['--max-semi-space-size=1', ...lean(big)]),
    ],
    ['`siphook --help` (CLI start-up alone)', measured([cli, '--help'])],
    ['`siphook wav convert`, 60 s input', measured(viaCli(input))],
    ['`siphook wav convert`, 60 min input', measured(viaCli(big)), true],
  ];
  printTable(
    'peak RSS of the whole process (/usr/bin/time -v)',
    ['case', 'peak RSS (MiB)', 'wall s', 'goal', 'met'],
    rows.map(([name, { rss, seconds }, goal]) => [
      name,
      rss.toFixed(1),
      seconds.toFixed(1),
      goal ? '< 64 MiB' : '',
      goal ? (rss < 64 ? 'yes' : 'NO') : '',
    ]),
  );
} catch (error) {
  if (!(error instanceof SkipRss)) throw error;
} finally {
  for (const note of notes) console.log(`Note: ${note}`);
  await rm(dir, { recursive: true, force: true });
}

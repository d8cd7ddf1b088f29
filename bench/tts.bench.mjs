// Prompts from text (@siphook/tts), in one run:
//  1. synthesize() of a 10-word German sentence with espeak-ng, converted to a Play prompt (peak
//     −3 dBFS, silence trimmed), against `espeak-ng -w` followed by `sox` doing the same for the
//     same sentence, alternating (goal: ≤ 1.5× the pair's time);
//  2. what a cached `say:` costs at start-up: synthesizeCached on a warm cache against a bare
//     SHA-256 + stat of the same files, and a server start with 12 cached `say:` steps against
//     the same flow with `play:` of the same 12 WAV files.
// Set-up installs espeak-ng and sox with apt-get when missing; without them the bench says so.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from '@siphook/server';
import { resolveEngine, synthesize, synthesizeCached } from '@siphook/tts';
import { printTable } from './lib/compare.mjs';

const ROUNDS = Number(process.env.ROUNDS ?? 31);
const root = fileURLToPath(new URL('..', import.meta.url));
const cli = join(root, 'tools/cli/bin/siphook.js');
const SENTENCE = 'Bitte drücken Sie jetzt die Eins für unseren freundlichen Kundendienst.';
const dir = await mkdtemp(join(tmpdir(), 'siphook-bench-tts-'));

function haveCommand(command, args) {
  const result = spawnSync(command, args, { stdio: 'ignore' });
  return result.error === undefined && result.status === 0;
}

/** The programs compared against, installed with apt-get in the bench's own set-up when missing. */
function ensurePrograms() {
  const missing = [
    ['espeak-ng', ['--version']],
    ['sox', ['--version']],
  ].filter(([command, args]) => !haveCommand(command, args));
  if (missing.length === 0) return true;
  const names = missing.map(([command]) => command);
  console.error(
    `missing: ${names.join(', ')}; apt-get update && apt-get install -y ${names.join(' ')}`,
  );
  const update = spawnSync('apt-get', ['update'], { stdio: 'ignore' });
  const install =
    update.status === 0
      ? spawnSync('apt-get', ['install', '-y', ...names], { stdio: 'ignore' })
      : update;
  return install.status === 0 && names.every((name) => haveCommand(name, ['--version']));
}

const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
const row = (name, ms, baselineMs, goal) => ({
  name,
  opsPerSec: 1000 / ms,
  nsPerOp: ms * 1e6,
  ratio: baselineMs / ms,
  goal: goal ?? '',
  pass: goal === undefined ? '' : ms / baselineMs <= 1.5 ? 'yes' : 'NO',
});

async function timeMs(run) {
  const start = process.hrtime.bigint();
  await run();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** CPU ms of the children this process has waited for (Linux: /proc/self/stat, 10 ms ticks). */
function childrenCpuMs() {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[13]) + Number(fields[14])) * 10; // cutime + cstime, at 100 ticks/s
  } catch {
    return Number.NaN;
  }
}

/**
 * Wall time of one run, and its CPU time: this process's own plus its children's. On a shared,
 * loaded machine wall time also holds the waits for a core; CPU time is the work.
 */
async function measure(run) {
  const cpu = process.cpuUsage();
  const children = childrenCpuMs();
  const wall = await timeMs(run);
  const own = process.cpuUsage(cpu);
  return { wall, cpu: (own.user + own.system) / 1000 + (childrenCpuMs() - children) };
}

/** 1. synthesize + convert against espeak-ng -w then sox, alternating. */
async function compareWithSox() {
  const engine = await resolveEngine('espeak-ng');
  const raw = join(dir, 'espeak.wav');
  const soxOut = join(dir, 'sox.wav');
  const ours = join(dir, 'ours.wav');
  const cliOut = join(dir, 'cli.wav');
  const pair = () => {
    const speak = spawnSync('espeak-ng', ['-v', 'de', '-w', raw, SENTENCE]);
    if (speak.status !== 0) throw new Error(`espeak-ng failed: ${speak.stderr}`);
    // The same work as ours: 8 kHz mono 16-bit, peak to −3 dBFS, silence below −50 dB cut at both ends.
    const sox = spawnSync('sox', [
      raw,
      '-r',
      '8000',
      '-c',
      '1',
      '-b',
      '16',
      soxOut,
      'silence',
      '1',
      '0.001',
      '-50d',
      'reverse',
      'silence',
      '1',
      '0.001',
      '-50d',
      'reverse',
      'norm',
      '-3',
    ]);
    if (sox.status !== 0) throw new Error(`sox failed: ${sox.stderr}`);
  };
  const library = () => synthesize(SENTENCE, { voice: 'de', engine, output: ours });
  const wholeCli = () => {
    const result = spawnSync(process.execPath, [
      cli,
      'tts',
      SENTENCE,
      '--voice',
      'de',
      '-o',
      cliOut,
    ]);
    if (result.status !== 0) throw new Error(`siphook tts failed: ${result.stderr}`);
  };
  await library(); // warm-up: JIT, the WebAssembly resampler, the page cache
  pair();
  const runs = { pair: [], library: [], cli: [] };
  for (let round = 0; round < ROUNDS; round++) {
    runs.pair.push(await measure(pair));
    runs.library.push(await measure(library));
  }
  // The whole CLI (Node start-up and imports included) is shown for scale, after the pair: its
  // 200+ ms processes would otherwise sit between every two measurements of the comparison.
  for (let round = 0; round < 7; round++) runs.cli.push(await measure(wholeCli));
  const summary = (list) => ({
    wall: median(list.map((run) => run.wall)),
    fastest: Math.min(...list.map((run) => run.wall)),
    // Total over the rounds: the 10 ms ticks of the children's CPU average out.
    cpu: list.reduce((sum, run) => sum + run.cpu, 0) / list.length,
  });
  const base = summary(runs.pair);
  const rows = [
    ['espeak-ng -w, then sox (rate, silence, norm -3) (baseline)', base, ''],
    ['synthesize() with espeak-ng, in process', summary(runs.library), '≤ 1.5×'],
    ['siphook tts, whole process (7 runs)', summary(runs.cli), ''],
  ];
  console.log(
    [
      `### synthesize a 10-word German sentence into a Play prompt, ${ROUNDS} alternating rounds`,
      '',
      '| case | wall ms (median) | fastest | × pair wall | CPU ms (mean) | × pair CPU | goal (wall) | met |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
      ...rows.map(
        ([name, { wall, fastest, cpu }, goal]) =>
          `| ${name} | ${wall.toFixed(1)} | ${fastest.toFixed(1)} | ${(wall / base.wall).toFixed(2)} | ${cpu.toFixed(1)} | ${(cpu / base.cpu).toFixed(2)} | ${goal} | ${goal === '' ? '' : wall / base.wall <= 1.5 ? 'yes' : 'NO'} |`,
      ),
      '',
      `(prompt: ${(await stat(ours)).size} bytes)`,
      '',
    ].join('\n'),
  );
}

const TEXTS = [
  'Willkommen bei siphook.',
  'For English, press 9.',
  'Drücken Sie die 1, um verbunden zu werden, oder die 2 für die Mailbox.',
  'Einen Moment bitte, ich verbinde Sie.',
  'Bitte sprechen Sie nach dem Signalton.',
  'Press 1 to be connected, or 2 for the voicemail.',
  'One moment please, connecting you.',
  'Please speak after the tone.',
  'Sorry, that is not an option.',
  'Goodbye.',
  'Diese Eingabe kenne ich leider nicht.',
  'Auf Wiederhören.',
];
const voiceOf = (text) =>
  /[äöüß]|Willkommen|Drücken|Einen|Bitte|Diese|Auf/.test(text) ? 'de' : 'en';

/** A flow of 12 steps, each a say: of a text or a play: of a file. */
function flowText(step) {
  return [
    'routes:',
    '  - actions:',
    ...TEXTS.map((text, i) => `      - ${step(text, i)}`),
    '      - hangup',
    '',
  ].join('\n');
}

/** 2. A cached say: at start-up. */
async function cachedSay() {
  const engine = await resolveEngine('espeak-ng');
  const cacheDir = join(dir, 'say-cache');
  const files = [];
  for (const text of TEXTS)
    files.push((await synthesizeCached(text, { engine, voice: voiceOf(text), cacheDir })).file);

  // synthesizeCached on a warm cache against the hash and the stat it should come down to.
  const lookups = async () => {
    for (const text of TEXTS)
      await synthesizeCached(text, { engine, voice: voiceOf(text), cacheDir });
  };
  const hashAndStat = async () => {
    for (const [i, text] of TEXTS.entries()) {
      createHash('sha256')
        .update(JSON.stringify([1, engine.id, voiceOf(text), text]))
        .digest('hex');
      await stat(files[i]);
    }
  };
  // The same flow as say: steps and as play: steps of the same WAV files.
  const promptsDir = join(dir, 'prompts');
  await mkdir(promptsDir, { recursive: true });
  for (const [i, file] of files.entries()) await copyFile(file, join(promptsDir, `s${i}.wav`));
  const sayFlow = join(dir, 'say.yaml');
  const playFlow = join(dir, 'play.yaml');
  await writeFile(
    sayFlow,
    `prompts: prompts\n${flowText((text) => `say: { text: ${JSON.stringify(text)}, voice: ${voiceOf(text)} }`)}`,
  );
  await writeFile(playFlow, `prompts: prompts\n${flowText((_, i) => `play: s${i}.wav`)}`);
  const start = (flow, extra) => async () => {
    const server = await createServer({
      port: 0,
      signature: false,
      logLevel: 'silent',
      flow,
      ...extra,
    });
    await server.close();
  };
  const startSay = start(sayFlow, { tts: { cacheDir } });
  const startPlay = start(playFlow, {});
  await startSay();
  await startPlay();
  const mtimes = async () =>
    (await Promise.all(files.map((file) => stat(file)))).map((info) => info.mtimeMs).join();
  const before = await mtimes();
  const times = { lookups: [], hashAndStat: [], say: [], play: [], engine: [] };
  for (let round = 0; round < ROUNDS; round++) {
    times.engine.push(await timeMs(() => resolveEngine('espeak-ng')));
    times.hashAndStat.push(await timeMs(hashAndStat));
    times.lookups.push(await timeMs(lookups));
    times.play.push(await timeMs(startPlay));
    times.say.push(await timeMs(startSay));
  }
  const cached = (await readdir(cacheDir)).length;
  const untouched = (await mtimes()) === before;
  const hashMs = median(times.hashAndStat);
  printTable(`12 cached say: prompts, median of ${ROUNDS} alternating rounds (ms for all 12)`, [
    row('SHA-256 + stat of the 12 files', hashMs, hashMs),
    row('synthesizeCached, warm cache', median(times.lookups), hashMs),
  ]);
  const playMs = median(times.play);
  printTable(`server start-up and close, median of ${ROUNDS} alternating rounds (ms)`, [
    row('flow with 12 play: of the same WAV files', playMs, playMs),
    row('flow with 12 cached say:', median(times.say), playMs),
  ]);
  const fastest = (list) => Math.min(...list).toFixed(2);
  console.log(
    `ms, median (fastest): hash+stat ${hashMs.toFixed(2)} (${fastest(times.hashAndStat)}), synthesizeCached ${median(times.lookups).toFixed(2)} (${fastest(times.lookups)}); engine lookup ${median(times.engine).toFixed(2)} (${fastest(times.engine)}); start with play: ${playMs.toFixed(1)} (${fastest(times.play)}), with say: ${median(times.say).toFixed(1)} (${fastest(times.say)}); ${cached} files in the cache, ${untouched ? 'none' : 'SOME'} rewritten during the rounds\n`,
  );
}

try {
  if (!ensurePrograms()) {
    console.log('espeak-ng or sox could not be installed here (apt-get failed): nothing measured.');
  } else {
    await compareWithSox();
    await cachedSay();
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}

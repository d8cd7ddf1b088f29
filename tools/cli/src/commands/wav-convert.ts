import { existsSync } from 'node:fs';
import { mkdir, open, readdir, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { basename, dirname, extname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { type ErrorCode, isSiphookError } from '@siphook/schema/errors';
import {
  type ConvertOptions,
  type ConvertResult,
  convertToPlayable,
  detectFormat,
} from '@siphook/wav';
import { type Command, InvalidArgumentError } from 'commander';
import { clipMessage } from '../clip.js';
import { type CommandContext, ExitCode, type Output } from '../context.js';

/** One input of `siphook wav convert` and where its Play file goes. */
export interface ConvertJob {
  input: string;
  output: string;
}

/** The outcome for one input, as printed with --json. */
export interface WavConvertOutcome extends ConvertJob {
  ok: boolean;
  method?: ConvertResult['method'];
  durationSeconds?: number;
  gainDb?: number;
  trimmedSeconds?: ConvertResult['trimmedSeconds'];
  clippedSamples?: number;
  error?: { code: string; message: string };
}

/**
 * Extensions taken from a folder input: the audio ffmpeg decodes, including headerless formats it
 * knows by name only (raw GSM, G.711). Files with other names are taken when their first bytes
 * are audio, so a folder takes what a single file argument takes.
 */
const AUDIO_EXTENSIONS = new Set(
  (
    '.wav .wave .bwf .rf64 .w64 .mp3 .mp2 .mpa .ogg .oga .opus .spx .m4a .m4b .mp4 .3gp .aac ' +
    '.adts .flac .aif .aiff .aifc .au .snd .caf .wma .webm .mka .amr .awb .ac3 .dts .wv .ape ' +
    '.tta .gsm .ul .al .voc .8svx .iff .sph .nist'
  ).split(' '),
);
/** Containers detectFormat leaves to the WAV walk, recognised here by their magic. */
const WAV_MAGIC = /^(RIFF|RIFX|RF64|BW64)/;
/** A name that looks like one WAV file, for the several-inputs check. */
const WAV_FILE_NAME = /\.wave?$/i;
/** Failures that are about the environment (files, ffmpeg), not the audio: exit status 2. */
export const IO_CODES: ReadonlySet<string> = new Set([
  'WAV_READ_FAILED',
  'WAV_WRITE_FAILED',
  'FFMPEG_NOT_FOUND',
  'CONVERT_ABORTED',
  'WAV_WORKER_FAILED',
]);

/** A usage problem found before converting anything: exit status 2, with the code --json prints. */
export class UsageError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

function parseDbfs(value: string, low: number): number {
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number) || number > 0 || number < low) {
    // `--normalize in.wav` takes the input as the optional level: say how to avoid that.
    const hint = Number.isNaN(number)
      ? ' (write --normalize=-3, or put --normalize after the inputs)'
      : '';
    throw new InvalidArgumentError(
      `expected a level in dBFS from ${low} to 0; received "${value}"${hint}`,
    );
  }
  return number;
}

function parseJobs(value: string): number {
  const number = Number(value);
  if (!/^\d+$/.test(value) || number < 1)
    throw new InvalidArgumentError(`expected a whole number ≥ 1; received "${value}"`);
  return number;
}

interface CliOptions {
  output: string;
  normalize?: boolean | number;
  trimSilence?: boolean;
  silenceThreshold?: number;
  jobs?: number;
  json?: boolean;
}

/**
 * `siphook wav convert <input>... -o <file|dir>`: converts files and folders to Play WAVs, several
 * at once (worker threads up to the core count), with a progress bar on a TTY.
 */
export function registerWavConvert(wav: Command, context: CommandContext): void {
  wav
    .command('convert')
    .description(
      'convert audio files or folders to Play WAVs (RIFF, PCM, mono, 8000 Hz, 16-bit, 44-byte header)',
    )
    .argument('<inputs...>', 'audio files (WAV, MP3, Ogg, M4A, FLAC…) or folders of them')
    .requiredOption(
      '-o, --output <file|dir>',
      'output file (one input) or folder (created if missing)',
    )
    .option(
      '--normalize [dbfs]',
      'scale the peak to -1 dBFS, or to the level given (-60 to 0)',
      (value) => parseDbfs(value, -60),
    )
    .option('--trim-silence', 'cut leading and trailing silence')
    .option(
      '--silence-threshold <dbfs>',
      'with --trim-silence: level that counts as silence',
      (value) => parseDbfs(value, -120),
      -50,
    )
    .option('-j, --jobs <n>', 'conversions at once (default: the core count)', parseJobs)
    .option('--json', 'print the results as JSON')
    .addHelpText(
      'after',
      '\nFolders are searched recursively for audio files; their layout is kept under the output folder.' +
        '\nExit status: 0 all converted, 1 any input is not convertible audio, 2 usage or I/O error.',
    )
    .action(async (inputs: string[], options: CliOptions) => {
      let jobs: ConvertJob[];
      try {
        jobs = await planJobs(inputs, options.output);
      } catch (error) {
        if (!(error instanceof UsageError)) throw error;
        const message = clipMessage(error.message, [...inputs, options.output]);
        context.setExitCode(ExitCode.usage);
        // --json always prints its result, also when nothing could be converted.
        if (options.json)
          context.stdout.write(
            `${JSON.stringify({ converted: 0, failed: 0, results: [], error: { code: error.code, message } }, null, 2)}\n`,
          );
        else context.stderr.write(`siphook wav convert: ${message}\n`);
        return;
      }
      const convertOptions: ConvertOptions = {
        normalize: options.normalize,
        trimSilence: options.trimSilence === true,
        silenceThresholdDb: options.silenceThreshold,
      };
      const concurrency = Math.min(jobs.length, options.jobs ?? availableParallelism());
      const progress = createProgress(context.stderr, jobs.length);
      const outcomes = await runJobs(jobs, convertOptions, {
        concurrency,
        signal: context.signal,
        onDone: () => progress.tick(),
      });
      await progress.stop(); // cleared before results go to the same terminal
      for (const outcome of outcomes) {
        if (outcome.error === undefined) continue;
        context.setExitCode(
          IO_CODES.has(outcome.error.code) ? ExitCode.usage : ExitCode.notCompliant,
        );
      }
      if (options.json) {
        const converted = outcomes.filter((outcome) => outcome.ok).length;
        context.stdout.write(
          `${JSON.stringify({ converted, failed: outcomes.length - converted, results: outcomes }, null, 2)}\n`,
        );
        return;
      }
      // Results on stdout; inputs that could not be read or written (exit 2) on stderr.
      for (const outcome of outcomes) {
        if (outcome.error !== undefined && IO_CODES.has(outcome.error.code))
          context.stderr.write(`siphook wav convert: ${formatOutcome(outcome)}\n`);
        else context.stdout.write(`${formatOutcome(outcome)}\n`);
      }
    });
}

/** One line per input: `in.mp3 → out/in.wav: 3.20 s, ffmpeg` or `bad.txt: not converted: …`. */
export function formatOutcome(outcome: WavConvertOutcome): string {
  if (!outcome.ok)
    return clipMessage(
      `${outcome.input}: not converted: ${outcome.error?.message ?? 'unknown error'}`,
      [outcome.input, outcome.output],
    );
  const parts = [`${(outcome.durationSeconds ?? 0).toFixed(2)} s`, outcome.method ?? 'pcm'];
  if (outcome.gainDb !== undefined && outcome.gainDb !== 0)
    parts.push(`gain ${outcome.gainDb > 0 ? '+' : ''}${outcome.gainDb.toFixed(1)} dB`);
  const trimmed = outcome.trimmedSeconds;
  if (trimmed !== undefined && trimmed.start + trimmed.end > 0)
    parts.push(`trimmed ${trimmed.start.toFixed(2)} s + ${trimmed.end.toFixed(2)} s`);
  if (outcome.clippedSamples !== undefined && outcome.clippedSamples > 0)
    parts.push(`${outcome.clippedSamples} samples clipped`);
  return `${outcome.input} → ${outcome.output}: ${parts.join(', ')}`;
}

/**
 * Expands folders and decides each output path. The output is a folder when there are several
 * inputs, any folder input, an existing folder, or a trailing slash; otherwise it is the file.
 * Output folders (and a single output file's folder) are created. Inputs whose names would
 * collide (`x.aiff` and `x.au`) get distinct names: `x.wav`, then `x.au.wav` (or `x-2.wav`).
 */
export async function planJobs(inputs: string[], output: string): Promise<ConvertJob[]> {
  const found: { input: string; relativeOutput: string; fromFolder: boolean }[] = [];
  const outputStat = await stat(output).catch(() => undefined);
  const outputFolder = resolve(output);
  for (const input of inputs) {
    const inputStat = await stat(input).catch(() => undefined);
    if (inputStat === undefined) {
      // Kept as a job: convertToPlayable reports it as WAV_READ_FAILED (exit 2) with the others.
      found.push({ input, relativeOutput: basename(input), fromFolder: false });
    } else if (inputStat.isDirectory()) {
      const files = await listAudioFiles(input, outputFolder);
      if (files.length === 0)
        throw new UsageError('WAV_NO_FILES', `no audio files in folder "${input}"`);
      for (const file of files)
        found.push({ input: file, relativeOutput: relative(input, file), fromFolder: true });
    } else found.push({ input, relativeOutput: basename(input), fromFolder: false });
  }
  const trailingSlash = /[\\/]$/.test(output);
  const toFolder =
    inputs.length > 1 ||
    found.some((job) => job.fromFolder) ||
    outputStat?.isDirectory() === true ||
    trailingSlash;
  if (!toFolder) {
    await makeFolder(dirname(output));
    return [{ input: found[0]!.input, output }];
  }
  if (outputStat !== undefined && !outputStat.isDirectory())
    throw new UsageError(
      'OPTIONS_INVALID',
      `--output "${output}" is a file; several inputs need an output folder`,
    );
  if (outputStat === undefined && !trailingSlash && WAV_FILE_NAME.test(output))
    throw new UsageError(
      'OPTIONS_INVALID',
      `--output "${output}" names one WAV file, but ${found.length} files are to be converted; give a folder (end it with "/" if its name should end in .wav)`,
    );
  const jobs = uniqueOutputs(found).map((relativeOutput, i) => ({
    input: found[i]!.input,
    output: join(output, relativeOutput),
  }));
  for (const folder of new Set(jobs.map((job) => dirname(job.output)))) await makeFolder(folder);
  return jobs;
}

async function makeFolder(folder: string): Promise<void> {
  try {
    await mkdir(folder, { recursive: true });
  } catch (error) {
    throw new UsageError(
      'WAV_WRITE_FAILED',
      `cannot create output folder "${folder}": ${(error as Error).message}`,
    );
  }
}

/**
 * The Play file name for each input (relative to the output folder), every one distinct: the
 * first input of a stem keeps `stem.wav`, a later one with another extension is `stem.ext.wav`,
 * anything still taken becomes `stem-2.wav`, `stem-3.wav` and so on.
 */
function uniqueOutputs(found: { relativeOutput: string }[]): string[] {
  const taken = new Set<string>();
  const claim = (name: string) => {
    const key = resolve('/', name);
    if (taken.has(key)) return false;
    taken.add(key);
    return true;
  };
  return found.map(({ relativeOutput }) => {
    const folder = dirname(relativeOutput);
    const name = basename(relativeOutput);
    const extension = extname(name);
    const stem = extension === '' ? name : name.slice(0, -extension.length);
    const at = (file: string) => (folder === '.' ? file : join(folder, file));
    const plain = at(`${stem}.wav`);
    if (claim(plain)) return plain;
    const kept = extension.slice(1).toLowerCase();
    if (kept !== '' && kept !== 'wav' && kept !== 'wave' && claim(at(`${stem}.${kept}.wav`)))
      return at(`${stem}.${kept}.wav`);
    for (let n = 2; ; n++) if (claim(at(`${stem}-${n}.wav`))) return at(`${stem}-${n}.wav`);
  });
}

/**
 * Audio files under `folder`, recursively, sorted; skips hidden entries and the output folder
 * itself. A file counts when its extension is audio, or when its first bytes are.
 */
async function listAudioFiles(folder: string, outputFolder: string): Promise<string[]> {
  const files: string[] = [];
  const walk = async (current: string) => {
    const entries = await readdir(current, { withFileTypes: true });
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const path = join(current, entry.name);
      if (entry.isDirectory()) {
        if (resolve(path) !== outputFolder) await walk(path);
      } else if (
        entry.isFile() &&
        (AUDIO_EXTENSIONS.has(extname(entry.name).toLowerCase()) || (await startsAsAudio(path)))
      )
        files.push(path);
    }
  };
  await walk(folder);
  return files.sort();
}

/** True when a file's first bytes are a WAV container or audio that detectFormat names. */
async function startsAsAudio(path: string): Promise<boolean> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(path, 'r');
    const head = new Uint8Array(64);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    const bytes = head.subarray(0, bytesRead);
    return (
      WAV_MAGIC.test(String.fromCharCode(...bytes.subarray(0, 4))) || detectFormat(bytes).audio
    );
  } catch {
    return false; // unreadable here: not taken, as a file of another name would not be
  } finally {
    await handle?.close();
  }
}

function toOutcome(job: ConvertJob, result: ConvertResult): WavConvertOutcome {
  const { method, durationSeconds, gainDb, trimmedSeconds, clippedSamples } = result;
  return { ...job, ok: true, method, durationSeconds, gainDb, trimmedSeconds, clippedSamples };
}

function toFailure(job: ConvertJob, error: unknown): WavConvertOutcome {
  const code = isSiphookError(error) ? error.code : 'WAV_WRITE_FAILED';
  const message = error instanceof Error ? error.message : String(error);
  return { ...job, ok: false, error: { code, message } };
}

/** The compiled worker next to this file; absent when running from TypeScript sources (tests). */
function workerFile(): URL | undefined {
  const url = new URL('./wav-convert-worker.js', import.meta.url);
  return existsSync(fileURLToPath(url)) ? url : undefined;
}

/** How {@link runJobs} runs: parallelism, cancellation, progress, and the worker script. */
export interface RunJobsOptions {
  /** Conversions at once; above 1 they run in worker threads. */
  concurrency: number;
  signal: AbortSignal;
  /** Called once per finished job. */
  onDone?: () => void;
  /**
   * The worker script; by default the compiled wav-convert-worker.js next to this file (absent
   * when running from TypeScript sources, where conversions then run in this thread). Tests pass
   * a script that crashes on purpose, to show a dead worker is replaced.
   */
  workerFile?: URL;
}

/**
 * Converts every job, `concurrency` at a time, and always settles: with more than one at a time
 * the conversions run in worker threads, so CPU-bound WAV conversions use several cores. A worker
 * that dies (uncaught error, exit) fails only the job it held, with code WAV_WORKER_FAILED, and
 * is replaced by a fresh one for the jobs after it.
 */
export async function runJobs(
  jobs: ConvertJob[],
  options: ConvertOptions,
  run: RunJobsOptions,
): Promise<WavConvertOutcome[]> {
  const { concurrency, signal, onDone = () => {} } = run;
  const outcomes: WavConvertOutcome[] = new Array(jobs.length);
  const file = concurrency > 1 ? (run.workerFile ?? workerFile()) : undefined;
  const started: Worker[] = [];
  const runners: ((job: ConvertJob) => Promise<WavConvertOutcome>)[] = [];
  for (let i = 0; i < concurrency; i++) {
    if (file === undefined) {
      runners.push((job) =>
        convertToPlayable(job.input, job.output, { ...options, signal }).then(
          (result) => toOutcome(job, result),
          (error: unknown) => toFailure(job, error),
        ),
      );
    } else runners.push(createWorkerRunner(file, options, signal, started));
  }
  let next = 0;
  try {
    await Promise.all(
      runners.map(async (convert) => {
        while (next < jobs.length) {
          const index = next++;
          outcomes[index] = await convert(jobs[index]!);
          onDone();
        }
      }),
    );
  } finally {
    await Promise.all(started.map((worker) => worker.terminate()));
  }
  return outcomes;
}

/** Message protocol with wav-convert-worker.ts. */
export type WorkerRequest =
  | { type: 'convert'; job: ConvertJob; options: ConvertOptions }
  | { type: 'abort' };
/** Reply from wav-convert-worker.ts. */
export type WorkerReply =
  | { ok: true; result: ConvertResult }
  | { ok: false; error: { code: string; message: string } };

/** A live worker, and why it stopped once it has (set by its own `error`/`exit` listeners). */
interface WorkerSlot {
  worker: Worker;
  stopped?: string;
}

/**
 * One lane of the pool: a worker that converts one job at a time, started on first use and
 * started again whenever the previous one has died, so a dead worker is never handed a job.
 */
function createWorkerRunner(
  file: URL,
  options: ConvertOptions,
  signal: AbortSignal,
  started: Worker[],
): (job: ConvertJob) => Promise<WavConvertOutcome> {
  let slot: WorkerSlot | undefined;
  const start = (): WorkerSlot => {
    const worker = new Worker(file);
    started.push(worker);
    const created: WorkerSlot = { worker };
    // Registered for the worker's whole life: it may also die between two jobs.
    worker.on('error', (error: Error) => {
      created.stopped ??= `the conversion worker failed: ${error.message}`;
    });
    worker.on('exit', (code: number) => {
      created.stopped ??= `the conversion worker stopped (exit code ${code})`;
    });
    return created;
  };
  return (job) => {
    if (slot === undefined || slot.stopped !== undefined) slot = start();
    return convertInWorker(slot, job, options, signal);
  };
}

function convertInWorker(
  slot: WorkerSlot,
  job: ConvertJob,
  options: ConvertOptions,
  signal: AbortSignal,
): Promise<WavConvertOutcome> {
  const { worker } = slot;
  return new Promise((resolvePromise) => {
    const onAbort = () => worker.postMessage({ type: 'abort' } satisfies WorkerRequest);
    const finish = (outcome: WavConvertOutcome) => {
      signal.removeEventListener('abort', onAbort);
      worker.off('message', onMessage);
      worker.off('error', onStopped);
      worker.off('exit', onStopped);
      resolvePromise(outcome);
    };
    const onMessage = (reply: WorkerReply) =>
      finish(reply.ok ? toOutcome(job, reply.result) : { ...job, ok: false, error: reply.error });
    // Runs after the slot's own listeners (registered first), so `stopped` holds the reason.
    const onStopped = () =>
      finish({
        ...job,
        ok: false,
        error: {
          code: 'WAV_WORKER_FAILED',
          message: `${slot.stopped ?? 'the conversion worker stopped'} while converting this file; the other files go on in a new worker`,
        },
      });
    worker.on('message', onMessage);
    worker.on('error', onStopped);
    worker.on('exit', onStopped);
    signal.addEventListener('abort', onAbort, { once: true });
    worker.postMessage({ type: 'convert', job, options } satisfies WorkerRequest);
  });
}

/** A progress bar on a real TTY (cli-progress needs one); nothing otherwise. */
function createProgress(stream: Output, total: number): { tick(): void; stop(): Promise<void> } {
  const tty = stream as Output & { cursorTo?: unknown };
  if (stream.isTTY !== true || typeof tty.cursorTo !== 'function' || total < 2)
    return { tick() {}, stop: async () => {} };
  let bar: { increment(): void; stop(): void } | undefined;
  let done = 0;
  // Loaded only when shown, so piped runs do not pay for it.
  const ready = import('cli-progress').then(({ default: progress }) => {
    const created = new progress.SingleBar(
      {
        stream: stream as NodeJS.WritableStream,
        format: 'converting [{bar}] {value}/{total} files',
        hideCursor: true,
        clearOnComplete: true,
      },
      progress.Presets.shades_classic,
    );
    created.start(total, done);
    bar = created;
  });
  return {
    tick() {
      done++;
      bar?.increment();
    },
    async stop() {
      await ready;
      bar?.stop();
    },
  };
}

/**
 * ffmpeg for inputs the TypeScript pipeline does not decode (MP3, Ogg, M4A, FLAC, ADPCM WAV…):
 * finding the binary, and running it through fluent-ffmpeg with flags that give a clean header.
 */
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { describeReceived, SiphookError } from '@siphook/schema/errors';

async function isExecutableFile(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/**
 * Finds an ffmpeg binary: `FFMPEG_PATH` if set (it must then exist), else `ffmpeg` on `PATH`,
 * else the optional npm package `@ffmpeg-installer/ffmpeg`.
 *
 * @throws {SiphookError} `FFMPEG_NOT_FOUND`, saying where it looked.
 * @example
 * const path = await findFfmpeg(); // '/usr/bin/ffmpeg'
 */
export async function findFfmpeg(): Promise<string> {
  const fromEnv = process.env.FFMPEG_PATH;
  if (fromEnv !== undefined && fromEnv !== '') {
    if (await isExecutableFile(fromEnv)) return fromEnv;
    throw new SiphookError(
      'FFMPEG_NOT_FOUND',
      `FFMPEG_PATH: expected an executable ffmpeg binary; received ${describeReceived(fromEnv)}, which is not one`,
      { searched: ['FFMPEG_PATH'], received: fromEnv },
    );
  }
  const names = process.platform === 'win32' ? ['ffmpeg.exe'] : ['ffmpeg'];
  for (const folder of (process.env.PATH ?? '').split(delimiter)) {
    if (folder === '') continue;
    for (const name of names) {
      const candidate = join(folder, name);
      if (await isExecutableFile(candidate)) return candidate;
    }
  }
  const installed = await fromInstallerPackage();
  if (installed !== undefined && (await isExecutableFile(installed))) return installed;
  throw new SiphookError(
    'FFMPEG_NOT_FOUND',
    'ffmpeg: expected FFMPEG_PATH, `ffmpeg` on PATH or the npm package @ffmpeg-installer/ffmpeg; found none ' +
      '(install ffmpeg, or `npm install @ffmpeg-installer/ffmpeg`)',
    { searched: ['FFMPEG_PATH', 'PATH', '@ffmpeg-installer/ffmpeg'] },
  );
}

/** The optional dependency's binary path, or undefined when the package (or its platform build) is absent. */
async function fromInstallerPackage(): Promise<string | undefined> {
  try {
    // A variable specifier keeps bundlers and tsc from requiring the optional package to exist.
    const specifier = '@ffmpeg-installer/ffmpeg';
    const module = (await import(specifier)) as { default?: { path?: unknown }; path?: unknown };
    const path = module.default?.path ?? module.path;
    return typeof path === 'string' ? path : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The resampling filter of {@link FFMPEG_PLAY_OPTIONS}. SoX's resampler at 28-bit precision meets
 * the same low-pass rule as the TypeScript path (flat to 3.4 kHz, ≤ −80 dB from 4 kHz); ffmpeg's
 * default lets a 4.5 kHz tone alias at −60 dB and droops 0.12 dB at 3.4 kHz (ffmpeg-quality.test.ts).
 * `internal_sample_fmt=fltp` keeps the output deterministic: on 16-bit input swresample would run
 * soxr on int16, and soxr then adds its own TPDF dither, seeded from the clock and a heap address,
 * so FLAC, AU or AIFF input came out ±2 LSB different on every run.
 */
const PLAY_FILTER = 'aresample=8000:resampler=soxr:precision=28:internal_sample_fmt=fltp';

/**
 * Output flags for a Play file: mono, 8000 Hz, 16-bit PCM WAV, and no metadata, so ffmpeg writes
 * the canonical 44-byte header (without them it adds a LIST chunk with its version). The same
 * input gives the same bytes on every run.
 */
export const FFMPEG_PLAY_OPTIONS: readonly string[] = [
  '-vn',
  '-sn',
  '-dn',
  '-map_metadata',
  '-1',
  '-fflags',
  '+bitexact',
  '-flags:a',
  '+bitexact',
  '-af',
  PLAY_FILTER,
  '-ac',
  '1',
  '-ar',
  '8000',
  '-acodec',
  'pcm_s16le',
  '-f',
  'wav',
];

/** Options for {@link runFfmpeg}. */
export interface RunFfmpegOptions {
  /** Aborting kills ffmpeg and rejects with `CONVERT_ABORTED`. */
  signal?: AbortSignal;
}

/** What ffmpeg said about the source while converting it. */
export interface FfmpegReport {
  /** Length of the source as its container declares it; undefined when ffmpeg only estimated it. */
  durationSeconds?: number;
  /**
   * Sum of squares over the decoded source's loudest channel, divided by its sample rate (full
   * scale 1): its energy in full-scale seconds, as ffmpeg's `astats` measured it before resampling.
   */
  energy?: number;
}

const DURATION_LINE = /^\s*Duration: (\d+):(\d\d):(\d\d(?:\.\d+)?)/;
const STREAM_RATE = /Stream #0:\d+.*: Audio: .*?(\d+) Hz/;
const RMS_LINE = /\] RMS level dB: (-?(?:\d+(?:\.\d+)?|inf))/;
const SAMPLES_LINE = /\] Number of samples: (\d+)/;

/**
 * Reads the source's declared duration (unless ffmpeg says it estimated it from the bitrate) and
 * the `astats` figures from ffmpeg's log.
 */
function readReport(lines: readonly string[]): FfmpegReport {
  const report: FfmpegReport = {};
  let estimated = false;
  let rate: number | undefined;
  let loudestDb = Number.NEGATIVE_INFINITY;
  let samples: number | undefined;
  for (const line of lines) {
    if (line.includes('Estimating duration from bitrate')) estimated = true;
    const duration = DURATION_LINE.exec(line);
    if (duration !== null && report.durationSeconds === undefined)
      report.durationSeconds =
        Number(duration[1]) * 3600 + Number(duration[2]) * 60 + Number(duration[3]);
    const stream = rate === undefined ? STREAM_RATE.exec(line) : null;
    if (stream !== null) rate = Number(stream[1]);
    const rms = RMS_LINE.exec(line);
    if (rms !== null)
      loudestDb = Math.max(loudestDb, rms[1] === '-inf' ? -Infinity : Number(rms[1]));
    const count = SAMPLES_LINE.exec(line);
    if (count !== null) samples = Number(count[1]);
  }
  if (estimated) delete report.durationSeconds;
  if (rate !== undefined && samples !== undefined && rate > 0)
    report.energy = (10 ** (loudestDb / 10) * samples) / rate;
  return report;
}

/**
 * Runs ffmpeg (via fluent-ffmpeg) to decode `input` into a Play-format WAV at `output`, measuring
 * the decoded source on the way (`astats` before the resampler) for the check after conversion.
 *
 * @throws {SiphookError} `FFMPEG_FAILED` with ffmpeg's last stderr lines in the message and
 *   `details.stderr`; `CONVERT_ABORTED` when `signal` fires.
 */
export async function runFfmpeg(
  ffmpegPath: string,
  input: string,
  output: string,
  options: RunFfmpegOptions = {},
): Promise<FfmpegReport> {
  const { signal } = options;
  // Loaded on first use: WAV conversions and inspections never pay for it.
  const { default: ffmpeg } = await import('fluent-ffmpeg');
  return new Promise<FfmpegReport>((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortedError(input));
      return;
    }
    const lines: string[] = [];
    const outputOptions = FFMPEG_PLAY_OPTIONS.map((option) =>
      option === PLAY_FILTER ? `astats=metadata=0,${PLAY_FILTER}` : option,
    );
    const command = ffmpeg(input)
      .setFfmpegPath(ffmpegPath)
      .inputOptions(['-nostdin', '-hide_banner', '-nostats'])
      .outputOptions(outputOptions)
      .output(output);
    command.on('stderr', (line: string) => lines.push(line));
    const onAbort = () => command.kill('SIGKILL');
    signal?.addEventListener('abort', onAbort, { once: true });
    command.on('end', () => {
      signal?.removeEventListener('abort', onAbort);
      resolve(readReport(lines));
    });
    command.on('error', (error: Error) => {
      signal?.removeEventListener('abort', onAbort);
      if (signal?.aborted) {
        reject(abortedError(input));
        return;
      }
      const errorLines = lines.filter((line) => line.trim() !== '');
      const reason = errorLines.slice(-3).join(' | ') || error.message;
      reject(
        new SiphookError(
          'FFMPEG_FAILED',
          `ffmpeg could not convert ${describeReceived(input)}: ${truncate(reason, 300)}`,
          { input, ffmpegPath, stderr: errorLines.slice(-20).join('\n') },
          { cause: error },
        ),
      );
    });
    command.run();
  });
}

/** The error every aborted conversion rejects with. */
export function abortedError(input: string): SiphookError {
  return new SiphookError(
    'CONVERT_ABORTED',
    `conversion of ${describeReceived(input)} was aborted`,
    { input },
  );
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

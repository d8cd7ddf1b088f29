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
 * Output flags for a Play file: mono, 8000 Hz, 16-bit PCM WAV, and no metadata, so ffmpeg writes
 * the canonical 44-byte header (without them it adds a LIST chunk with its version).
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
  // SoX's resampler at 28-bit precision meets the same low-pass rule as the TypeScript path
  // (flat to 3.4 kHz, ≤ −80 dB from 4 kHz); ffmpeg's default lets a 4.5 kHz tone alias at −60 dB
  // and droops 0.12 dB at 3.4 kHz (ffmpeg-quality.test.ts).
  '-af',
  'aresample=8000:resampler=soxr:precision=28',
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

/**
 * Runs ffmpeg (via fluent-ffmpeg) to decode `input` into a Play-format WAV at `output`.
 *
 * @throws {SiphookError} `FFMPEG_FAILED` with ffmpeg's last stderr lines in the message and
 *   `details.stderr`; `CONVERT_ABORTED` when `signal` fires.
 */
export async function runFfmpeg(
  ffmpegPath: string,
  input: string,
  output: string,
  options: RunFfmpegOptions = {},
): Promise<void> {
  const { signal } = options;
  // Loaded on first use: WAV conversions and inspections never pay for it.
  const { default: ffmpeg } = await import('fluent-ffmpeg');
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortedError(input));
      return;
    }
    const command = ffmpeg(input)
      .setFfmpegPath(ffmpegPath)
      .inputOptions(['-nostdin', '-hide_banner'])
      .outputOptions([...FFMPEG_PLAY_OPTIONS])
      .output(output);
    const onAbort = () => command.kill('SIGKILL');
    signal?.addEventListener('abort', onAbort, { once: true });
    command.on('end', () => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    });
    command.on('error', (error: Error, _stdout: string | null, stderr: string | null) => {
      signal?.removeEventListener('abort', onAbort);
      if (signal?.aborted) {
        reject(abortedError(input));
        return;
      }
      const lines = (stderr ?? '')
        .trim()
        .split('\n')
        .filter((line) => line.trim() !== '');
      const reason = lines.slice(-3).join(' | ') || error.message;
      reject(
        new SiphookError(
          'FFMPEG_FAILED',
          `ffmpeg could not convert ${describeReceived(input)}: ${truncate(reason, 300)}`,
          { input, ffmpegPath, stderr: lines.slice(-20).join('\n') },
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

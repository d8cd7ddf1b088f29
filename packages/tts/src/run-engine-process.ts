/**
 * Runs an engine's program: the text on stdin as UTF-8, stderr kept for messages, stdout
 * optionally into a file, and the whole process group killed when the time limit passes.
 */
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { SiphookError } from '@siphook/schema/errors';

/** What to run and how long it may take. */
export interface EngineProcess {
  /** Engine name for messages, e.g. `espeak-ng`. */
  engine: string;
  program: string;
  args: readonly string[];
  /** Written to stdin as UTF-8, then stdin is closed. */
  input: string;
  timeoutMs: number;
  signal?: AbortSignal | undefined;
  /** Copy stdout into this file (for programs that write the audio to stdout). */
  stdoutFile?: string | undefined;
  /** Keep stdout (up to 1 MiB) in {@link ProcessOutcome.stdout}, for listings. */
  captureStdout?: boolean;
}

/** How the program ended: exit code (or the signal that ended it) and the end of its stderr. */
export interface ProcessOutcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  /** With `captureStdout`: what the program printed. */
  stdout?: string;
}

/** The end of stderr kept for messages. */
const STDERR_TAIL_BYTES = 4096;
/** Most audio a program may write to stdout: 2,000 characters of speech are far less. */
const MAX_STDOUT_BYTES = 256 * 1024 * 1024;
/** Most of a listing kept in memory. */
const MAX_CAPTURED_BYTES = 1024 * 1024;
/** On POSIX the program gets its own process group, so `sh -c '…'` pipelines die with it. */
const OWN_GROUP = process.platform !== 'win32';

/**
 * Runs the program to its end and reports how it ended; a non-zero exit is for the caller to judge.
 *
 * @throws {SiphookError} `TTS_ENGINE_NOT_FOUND` (cannot be started), `TTS_ENGINE_TIMEOUT` (killed
 *   after `timeoutMs`), `TTS_ENGINE_FAILED` (stdout larger than 256 MiB, or not writable),
 *   `CONVERT_ABORTED` (the signal fired; the program is killed).
 */
export function runEngineProcess(run: EngineProcess): Promise<ProcessOutcome> {
  return new Promise((resolve, reject) => {
    if (run.signal?.aborted) {
      reject(abortedError(run.engine));
      return;
    }
    const child = spawn(run.program, run.args, {
      stdio: [
        'pipe',
        run.stdoutFile === undefined && run.captureStdout !== true ? 'ignore' : 'pipe',
        'pipe',
      ],
      detached: OWN_GROUP,
      windowsHide: true,
    });
    let failure: SiphookError | undefined;
    const kill = (reason: SiphookError) => {
      failure ??= reason;
      try {
        if (OWN_GROUP && child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
        else child.kill('SIGKILL');
      } catch {
        child.kill('SIGKILL'); // the group is already gone; make sure of the child itself
      }
    };
    const timer = setTimeout(
      () =>
        kill(
          new SiphookError(
            'TTS_ENGINE_TIMEOUT',
            `${run.engine} did not finish within ${run.timeoutMs} ms and was stopped (timeoutMs)`,
            { engine: run.engine, timeoutMs: run.timeoutMs },
          ),
        ),
      run.timeoutMs,
    );
    const onAbort = () => kill(abortedError(run.engine));
    run.signal?.addEventListener('abort', onAbort, { once: true });

    let stderr = Buffer.alloc(0);
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = Buffer.concat([stderr, chunk]);
      if (stderr.length > STDERR_TAIL_BYTES) stderr = stderr.subarray(-STDERR_TAIL_BYTES);
    });
    const captured: Buffer[] = [];
    let capturedBytes = 0;
    if (run.captureStdout === true) {
      child.stdout?.on('data', (chunk: Buffer) => {
        if (capturedBytes + chunk.length > MAX_CAPTURED_BYTES) return;
        captured.push(chunk);
        capturedBytes += chunk.length;
      });
    }
    let written: Promise<void> = Promise.resolve();
    if (run.stdoutFile !== undefined && child.stdout !== null) {
      const file = createWriteStream(run.stdoutFile);
      let bytes = 0;
      child.stdout.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (bytes > MAX_STDOUT_BYTES)
          kill(
            new SiphookError(
              'TTS_ENGINE_FAILED',
              `${run.engine} wrote more than ${MAX_STDOUT_BYTES} bytes to stdout; expected one spoken prompt`,
              { engine: run.engine },
            ),
          );
      });
      child.stdout.pipe(file);
      written = new Promise((done, fail) => {
        file.on('close', done);
        file.on('error', (error) => {
          kill(
            new SiphookError(
              'TTS_ENGINE_FAILED',
              `cannot write the output of ${run.engine}: ${error.message}`,
              { engine: run.engine },
            ),
          );
          fail(error);
        });
      });
      written.catch(() => undefined);
    }
    // A program that does not read its input closes stdin early: EPIPE is not an error here.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(Buffer.from(run.input, 'utf8'));

    child.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      run.signal?.removeEventListener('abort', onAbort);
      reject(
        new SiphookError(
          'TTS_ENGINE_NOT_FOUND',
          `${run.engine}: cannot start ${JSON.stringify(run.program)} (${error.code ?? error.message})`,
          { engine: run.engine, program: run.program, cause: error.code },
          { cause: error },
        ),
      );
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      run.signal?.removeEventListener('abort', onAbort);
      written.then(
        () => {
          if (failure !== undefined) reject(failure);
          else {
            const outcome: ProcessOutcome = { code, signal, stderr: stderr.toString('utf8') };
            if (run.captureStdout === true)
              outcome.stdout = Buffer.concat(captured).toString('utf8');
            resolve(outcome);
          }
        },
        () => reject(failure),
      );
    });
  });
}

/** The last non-empty line of a program's stderr, for a one-line message. */
export function lastLine(stderr: string): string {
  const lines = stderr.split(/\r?\n/).filter((line) => line.trim() !== '');
  const line = lines.at(-1)?.trim() ?? '';
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}

/** The error for an aborted synthesis. */
export function abortedError(engine: string): SiphookError {
  return new SiphookError('CONVERT_ABORTED', `${engine}: synthesis aborted`, { engine });
}

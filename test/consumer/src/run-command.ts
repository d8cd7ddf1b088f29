import { type ChildProcess, execFile, spawn } from 'node:child_process';

/** What a finished command left behind. */
export interface CommandResult {
  /** The exit code (or 1 when a signal ended it). */
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * The environment of a command run in the consumer project: ours, minus what `npm test`, turbo
 * and vitest put in (npm_config_* would point npm at the workspace; NODE_ENV=test changes
 * frameworks).
 */
export function consumerEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(npm_|VITEST|TURBO_|NODE_OPTIONS$|NODE_ENV$|INIT_CWD$)/i.test(key)) continue;
    env[key] = value;
  }
  return env;
}

/** Runs a command to its end; never rejects for a non-zero exit (the caller asserts on `code`). */
export function runCommand(
  command: string,
  args: readonly string[],
  options: { cwd: string; timeoutMs?: number },
): Promise<CommandResult> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      {
        cwd: options.cwd,
        env: consumerEnvironment(),
        timeout: options.timeoutMs ?? 120_000,
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** A long-running process, with everything it printed so far. */
export interface RunningProcess {
  child: ChildProcess;
  output: () => string;
  /** Resolves with the first stdout line matching `pattern` (its match), rejects if it exits first. */
  waitForLine: (pattern: RegExp, timeoutMs?: number) => Promise<RegExpMatchArray>;
  /** SIGTERM to the process and everything it started; resolves once the process has exited. */
  stop: () => Promise<void>;
}

/**
 * Starts a server process in the consumer project, in a process group of its own: `npx` does not
 * pass SIGTERM on to the program it runs, so stopping signals the whole group.
 */
export function startProcess(
  command: string,
  args: readonly string[],
  options: { cwd: string },
): RunningProcess {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: consumerEnvironment(),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<void>((resolve) => {
    child.once('close', () => resolve());
  });
  const output = () => `--- stdout\n${stdout}\n--- stderr\n${stderr}`;
  return {
    child,
    output,
    waitForLine: (pattern, timeoutMs = 30_000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          finish();
          reject(new Error(`no line matching ${pattern} within ${timeoutMs} ms\n${output()}`));
        }, timeoutMs);
        const check = () => {
          for (const line of stdout.split('\n')) {
            const match = line.match(pattern);
            if (match !== null) {
              finish();
              resolve(match);
              return;
            }
          }
        };
        const onExit = (code: number | null) => {
          finish();
          reject(new Error(`exited (${code}) before printing ${pattern}\n${output()}`));
        };
        const finish = () => {
          clearTimeout(timer);
          child.stdout?.off('data', check);
          child.off('close', onExit);
        };
        child.stdout?.on('data', check);
        child.once('close', onExit);
        check();
      }),
    stop: async () => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
      } catch {
        // the group is gone already
      }
      await exited;
    },
  };
}

// Runs the real `siphook` bin as a server process, for tests that need several processes (several
// instances behind a proxy, --workers): in-process runs cannot fork or be killed.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type RedisServerHandle, startRedisServer } from '@siphook/test-services';
import { afterAll, beforeAll } from 'vitest';

/** The compiled CLI entry point. */
export const BIN = fileURLToPath(new URL('../bin/siphook.js', import.meta.url));

/** A running `siphook server --json`: the process, its startup line, and what it logged. */
export interface ServerProcess {
  child: ChildProcess;
  info: { listenUrl: string; webhookUrl: string } & Record<string, unknown>;
  stderr(): string;
}

/**
 * Starts `siphook server --json <args>` and resolves with its startup JSON line; rejects with its
 * stderr when it exits first. Every process started is added to `started`, for cleanup.
 */
export function startServerProcess(
  args: string[],
  started: ChildProcess[],
  env: Record<string, string> = {},
): Promise<ServerProcess> {
  const child = spawn(process.execPath, [BIN, 'server', '--json', ...args], {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(child);
  let stdout = '';
  let stderr = '';
  child.stderr?.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (chunk) => {
      stdout += chunk;
      const line = stdout.split('\n')[0];
      if (stdout.includes('\n') && line !== undefined)
        resolve({ child, info: JSON.parse(line), stderr: () => stderr });
    });
    child.on('exit', (code) => reject(new Error(`siphook server exited ${code}: ${stderr}`)));
  });
}

/** Stops every process in `started` (SIGKILL) and waits until each has exited. */
export async function killAll(started: ChildProcess[]): Promise<void> {
  await Promise.all(
    started.splice(0).map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGKILL');
        }),
    ),
  );
}

/**
 * For a describe block: a redis-server started before its tests, and every server process they
 * start (pushed to `started`) killed after them, then Redis stopped.
 */
export function useRedisAndServers(): { started: ChildProcess[]; redis: () => RedisServerHandle } {
  const started: ChildProcess[] = [];
  let redis: RedisServerHandle | undefined;
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    await killAll(started);
    await redis?.close();
  });
  return {
    started,
    redis: () => {
      if (redis === undefined) throw new Error('redis-server is not started yet');
      return redis;
    },
  };
}

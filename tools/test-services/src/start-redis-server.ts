import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findFreePort } from './free-port.js';

/** The Debian package that provides `redis-server`, named in skip messages. */
export const REDIS_SERVER_PACKAGE = 'redis-server';

/** True when `program <args>` runs on this machine: `hasProgram('openssl', ['version'])`. */
export function hasProgram(program: string, args: readonly string[] = ['--version']): boolean {
  try {
    execFileSync(program, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** True when a `redis-server` binary runs on this machine. */
export function hasRedisServer(): boolean {
  return hasProgram('redis-server');
}

/**
 * {@link hasRedisServer}, and when it is false a line saying which tests are skipped and which
 * Debian package brings the program: for `describe.skipIf(!redisServerOrSkip('…'))`.
 */
export function redisServerOrSkip(tests: string): boolean {
  const found = hasRedisServer();
  if (!found)
    console.warn(
      `redis-server not found: ${tests} are skipped (apt-get install ${REDIS_SERVER_PACKAGE})`,
    );
  return found;
}

/** How the server listens; plain TCP by default. */
export interface RedisServerOptions {
  /** Listen with TLS only (`rediss://`), with this certificate, its key and the CA that signed it. */
  tls?: { certFile: string; keyFile: string; caFile: string };
}

/** A `redis-server` this test started: stop it, start it again on the same port, or kill it. */
export interface RedisServerHandle {
  /** `redis://127.0.0.1:<port>`, or `rediss://` with TLS. */
  readonly url: string;
  readonly port: number;
  /** The process id of the running server (for CPU figures in benchmarks). */
  readonly pid: number | undefined;
  /** Starts the server again on the same port (after {@link stop}), with an empty data set. */
  start(): Promise<void>;
  /** Stops the server (SIGTERM) and waits for it to exit; the port stays reserved for start(). */
  stop(): Promise<void>;
  /** Stops the server and removes its temporary folder. */
  close(): Promise<void>;
}

const READY = /ready to accept connections/i;

/**
 * Starts `redis-server` on a free loopback port with nothing persisted (`--save ''`,
 * `--appendonly no`) and a temporary `--dir`, and resolves once it accepts connections.
 */
export async function startRedisServer(
  options: RedisServerOptions = {},
): Promise<RedisServerHandle> {
  const dir = await mkdtemp(join(tmpdir(), 'siphook-redis-'));
  const { tls } = options;
  const listen = (port: number): string[] =>
    tls === undefined
      ? ['--port', String(port)]
      : [
          '--port',
          '0',
          '--tls-port',
          String(port),
          '--tls-cert-file',
          tls.certFile,
          '--tls-key-file',
          tls.keyFile,
          '--tls-ca-cert-file',
          tls.caFile,
          '--tls-auth-clients',
          'no',
        ];
  let child: ChildProcess | undefined;
  let port = 0;

  const launch = async (): Promise<void> => {
    const args = [
      ...listen(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
    ];
    const started = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child = started;
    await new Promise<void>((resolve, reject) => {
      let output = '';
      const onData = (chunk: Buffer) => {
        output += chunk.toString('utf8');
        if (READY.test(output)) {
          started.stdout?.off('data', onData);
          started.stdout?.resume();
          resolve();
        }
      };
      started.stdout?.on('data', onData);
      started.stderr?.resume();
      started.once('error', reject);
      started.once('exit', (code) =>
        reject(new Error(`redis-server exited with code ${code}: ${output.slice(-400)}`)),
      );
    });
  };

  // Another process may take the port between findFreePort and redis-server's bind: try again.
  for (let attempt = 1; ; attempt++) {
    port = await findFreePort();
    try {
      await launch();
      break;
    } catch (error) {
      if (attempt >= 5) {
        await rm(dir, { recursive: true, force: true });
        throw error;
      }
    }
  }

  const stop = async (): Promise<void> => {
    const running = child;
    child = undefined;
    if (running === undefined || running.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      running.once('exit', () => resolve());
      running.kill('SIGTERM');
    });
  };
  return {
    get url() {
      return `${tls === undefined ? 'redis' : 'rediss'}://127.0.0.1:${port}`;
    },
    port,
    get pid() {
      return child?.pid;
    },
    start: launch,
    stop,
    async close() {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

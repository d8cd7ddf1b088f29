// `siphook server --workers N`: N processes on one port (node:cluster), the primary keeping N alive.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { simulateCall } from '@siphook/simulator';
import { redisServerOrSkip, startRedisServer } from '@siphook/test-services';
import { describe, expect, it } from 'vitest';
import { run } from './cli-harness.js';
import { BIN, startServerProcess, useRedisAndServers } from './server-process.js';

const haveRedis = redisServerOrSkip('the --workers tests');

/** The worker processes of a primary (Linux /proc). */
function workersOf(pid: number): number[] {
  const text = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
  return text === '' ? [] : text.split(' ').map(Number);
}

async function until<T>(probe: () => T | undefined, what: string): Promise<T> {
  for (let i = 0; i < 300; i++) {
    const value = probe();
    if (value !== undefined) return value;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('siphook server --workers (in-process refusals)', () => {
  it('refuses several workers with the memory store, before starting any', async () => {
    const result = await run(['server', '--workers', '2', '--port', '0']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--workers 2 needs a shared call store');
    expect(result.stderr).toContain('--store redis://');
  });

  it('refuses a worker count that is not a whole number', async () => {
    const result = await run(['server', '--workers', 'many', '--store', 'redis://127.0.0.1:1']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('expected a whole number of worker processes');
  });
});

describe.skipIf(!haveRedis)('siphook server --workers 2 --store redis://…', () => {
  const { started, redis } = useRedisAndServers();

  it('runs two workers on one port, replaces one that dies, and stops them all on SIGTERM', async () => {
    const server = await startServerProcess(
      ['--port', '0', '--no-signature', '--store', redis().url, '--workers', '2'],
      started,
    );
    const primary = server.child.pid!;
    expect(server.info['workers']).toBe(2);
    const first = await until(() => {
      const pids = workersOf(primary);
      return pids.length === 2 ? pids : undefined;
    }, 'two workers');

    const report = await simulateCall(
      server.info.webhookUrl,
      { dtmf: ['1'] },
      { timeoutMs: 10_000 },
    );
    expect(report.ok).toBe(true);
    expect(report.dialed).toEqual(['4915799912345']);

    process.kill(first[0]!, 'SIGKILL');
    const replaced = await until(() => {
      const pids = workersOf(primary);
      return pids.length === 2 && !pids.includes(first[0]!) ? pids : undefined;
    }, 'a replacement worker');
    expect(replaced).toContain(first[1]);
    await until(() => (server.stderr().includes('starting another') ? true : undefined), 'log');
    const again = await simulateCall(
      server.info.webhookUrl,
      { dtmf: ['2'] },
      { timeoutMs: 10_000 },
    );
    expect(again.dialed).toEqual(['voicemail']);

    const exited = new Promise<number | null>((resolve) => server.child.once('exit', resolve));
    server.child.kill('SIGTERM');
    expect(await exited).toBe(0);
    for (const pid of replaced) expect(() => process.kill(pid, 0)).toThrow();
    expect(server.stderr()).toContain('siphook server stopped');
  });

  it('names the host and exits 2 when Redis is unreachable at start, once for all workers', async () => {
    const child = spawn(
      process.execPath,
      [
        BIN,
        'server',
        '--port',
        '0',
        '--store',
        'redis://app:hunter2@127.0.0.1:1/0',
        '--workers',
        '2',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const [code] = await once(child, 'exit');
    expect(code).toBe(2);
    expect(stderr.match(/cannot connect to Redis at 127\.0\.0\.1:1/g)).toHaveLength(1);
    expect(stderr).not.toContain('hunter2');
  });

  it('with --store-wait, waits for Redis and then serves', async () => {
    const later = await startRedisServer();
    await later.stop();
    try {
      const pending = startServerProcess(
        ['--port', '0', '--no-signature', '--store', later.url, '--store-wait'],
        started,
      );
      let stderr = '';
      started.at(-1)?.stderr?.on('data', (chunk) => (stderr += chunk));
      await until(
        () => (stderr.includes('call store: waiting for Redis') ? true : undefined),
        'the wait',
      );
      await later.start();
      const server = await pending;
      await until(
        () => (stderr.includes('call store: connected to Redis') ? true : undefined),
        'the connection',
      );
      const report = await simulateCall(
        server.info.webhookUrl,
        { dtmf: ['1'] },
        { timeoutMs: 10_000 },
      );
      expect(report.dialed).toEqual(['4915799912345']);
    } finally {
      await later.close();
    }
  });
});

// `siphook server --workers 1` against `--workers 2` (node:cluster), both with the call state in
// a real redis-server on loopback, on the demo flow's newCall → dtmf path, in one run. The real
// CLI runs in child processes; autocannon runs here. On 2 cores autocannon takes about one of
// them, so the gain shown is a lower bound of what a second core gives a server of its own.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { hasRedisServer, startRedisServer } from '@siphook/test-services';
import autocannon from 'autocannon';
import { callPairRequests, cpuMicros, median } from './lib/call-pairs.mjs';
import { loadAverageLine } from './lib/compare.mjs';

const BIN = join(
  dirname(createRequire(import.meta.url).resolve('siphook/package.json')),
  'bin',
  'siphook.js',
);

/** Starts `siphook server --workers n` and resolves with its primary process and URL. */
function startServer(workers, store) {
  const args = [BIN, 'server', '--json', '--port', '0', '--no-signature', '--log-level', 'warn'];
  const child = spawn(
    process.execPath,
    [...args, '--store', store, '--store-prefix', `bench-${workers}`, '--workers', String(workers)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      if (out.includes('\n')) resolve({ child, url: JSON.parse(out.split('\n')[0]).listenUrl });
    });
    child.on('exit', (code) => reject(new Error(`--workers ${workers} exited with ${code}`)));
  });
}

/** CPU time (user + system) of a process and its children (the workers), in µs (Linux /proc). */
function treeCpuMicros(pid) {
  const own = cpuMicros;
  const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
  return (
    own(pid) +
    (children === ''
      ? 0
      : children
          .split(' ')
          .map(Number)
          .map(own)
          .reduce((a, b) => a + b, 0))
  );
}

function load(url, duration) {
  return autocannon({ url, connections: 20, duration, requests: callPairRequests('workers') });
}

if (!hasRedisServer()) {
  console.log('redis-server not found (apt-get install redis-server): workers benchmark skipped');
} else {
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
  const duration = Number(process.env.BENCH_SECONDS ?? 5);
  const redis = await startRedisServer();
  const cases = [
    { name: '--workers 1', workers: 1 },
    { name: '--workers 2', workers: 2 },
  ];
  for (const item of cases) {
    Object.assign(item, await startServer(item.workers, redis.url), {
      rps: [],
      p99: [],
      cpu: [],
      errors: 0,
    });
    await load(item.url, 1); // warm-up
  }
  for (let round = 0; round < rounds; round++) {
    for (const item of cases) {
      const before = treeCpuMicros(item.child.pid);
      const result = await load(item.url, duration);
      item.cpu.push((treeCpuMicros(item.child.pid) - before) / result.requests.total);
      item.rps.push(result.requests.average);
      item.p99.push(result.latency.p99);
      item.errors += result.errors + result.timeouts + (result.non2xx ?? 0);
    }
  }
  for (const item of cases) item.child.kill('SIGTERM');
  await new Promise((resolve) => setTimeout(resolve, 500));
  await redis.close();

  const base = median(cases[0].rps);
  const lines = [
    `### siphook server --workers 1 vs 2, Redis store, newCall → dtmf pairs (autocannon, 20 connections, ${rounds} rounds × ${duration} s, medians)`,
    '',
    '| case | req/s | × --workers 1 | p99 ms | server CPU µs/req (all processes) | errors |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const item of cases) {
    const rps = median(item.rps);
    lines.push(
      `| ${item.name} | ${Math.round(rps).toLocaleString('en-US')} | ${(rps / base).toFixed(2)} | ${median(item.p99)} | ${median(item.cpu).toFixed(0)} | ${item.errors} |`,
    );
  }
  lines.push('', loadAverageLine(), '');
  console.log(lines.join('\n'));
}

// The runtimes example (examples/runtimes: the demo menu, one handler module) under load on each
// runtime: the captured live newCall push, signed by sipgate.io's own RSA-4096 key, verified on
// every request (node:crypto on Node, crypto.subtle elsewhere), answered with the menu's Gather.
// Each runtime is its own process; autocannon runs here. Runtimes alternate over several rounds
// so the shared machine's noise hits all of them alike; Node (node:http) is the baseline.
// A runtime whose npm package is missing (another OS) is left out with a line saying so.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import autocannon from 'autocannon';
import { RUNTIME_NAMES, runtimeCommand } from '../examples/runtimes/dist/runtimes.js';
import { loadAverageLine } from './lib/compare.mjs';
import { readCapture } from './lib/read-capture.mjs';

async function freePort() {
  const probe = createServer();
  await new Promise((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** CPU time (user + system, all threads) a process has used so far, in µs. */
function cpuMicros(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1e6) / 100; // clock ticks (USER_HZ 100)
}

async function start(runtime) {
  const port = await freePort();
  const command = runtimeCommand(runtime, port);
  if (!command.ok) return { runtime, missing: command.message };
  const child = spawn(command.command, command.args, {
    env: { ...process.env, PORT: String(port), DENO_NO_UPDATE_CHECK: '1' },
    stdio: 'ignore', // the handler's JSON line per push goes nowhere, alike on every runtime
  });
  const url = `http://127.0.0.1:${port}/`;
  for (let attempt = 0; attempt < 150; attempt++) {
    try {
      await fetch(url);
      return { runtime, child, url };
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  child.kill('SIGTERM');
  throw new Error(`${runtime}: the example did not answer on ${url}`);
}

const load = (url, headers, body, duration) =>
  autocannon({ url, method: 'POST', headers, body, connections: 10, pipelining: 1, duration });

const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const duration = Number(process.env.BENCH_SECONDS ?? 4);
const capture = readCapture();
const { body } = capture;
// Only what the push is about: its type and signature (no captured Host or Content-Length).
const headers = {
  'content-type': capture.headers['content-type'],
  'x-sipgate-signature': capture.headers['x-sipgate-signature'],
};
const servers = [];
const skipped = [];
for (const runtime of RUNTIME_NAMES) {
  const server = await start(runtime);
  if (server.missing !== undefined) {
    skipped.push(server.missing);
    continue;
  }
  const check = await fetch(server.url, { method: 'POST', headers, body });
  const text = await check.text();
  if (check.status !== 200 || !text.includes('<Gather')) {
    throw new Error(`${runtime}: unexpected answer ${check.status}: ${text.slice(0, 200)}`);
  }
  await load(server.url, headers, body, 1); // warm-up
  Object.assign(server, { rps: [], p99: [], cpu: [], errors: 0 });
  servers.push(server);
}
for (let round = 0; round < rounds; round++) {
  for (let i = 0; i < servers.length; i++) {
    const server = servers[(i + round) % servers.length];
    const before = cpuMicros(server.child.pid);
    const result = await load(server.url, headers, body, duration);
    server.cpu.push((cpuMicros(server.child.pid) - before) / result.requests.total);
    server.rps.push(result.requests.average);
    server.p99.push(result.latency.p99);
    server.errors += result.errors + result.timeouts + (result.non2xx ?? 0);
  }
}
for (const { child } of servers) child.kill('SIGTERM');

const median = (list) => [...list].sort((x, y) => x - y)[Math.floor(list.length / 2)];
const baseRps = median(servers[0].rps);
const baseCpu = median(servers[0].cpu);
const lines = [
  `### runtimes: signed newCall → Gather (autocannon, 10 connections, ${rounds} rounds × ${duration} s, medians)`,
  '',
  '| runtime | req/s | × node | p99 ms | server CPU µs/req | CPU ÷ node | errors |',
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
];
for (const server of servers) {
  const cpu = median(server.cpu);
  lines.push(
    `| ${server.runtime} | ${Math.round(median(server.rps)).toLocaleString('en-US')} | ${(median(server.rps) / baseRps).toFixed(2)} | ${median(server.p99)} | ${cpu.toFixed(0)} | ${(cpu / baseCpu).toFixed(2)} | ${server.errors} |`,
  );
}
lines.push('', ...skipped.map((line) => `Left out: ${line}.`), loadAverageLine(), '');
console.log(lines.join('\n'));

// The reference server on the demo flow's newCall → dtmf path with its call state in Redis (a
// real redis-server on loopback) against the same server with the in-memory store. Each server
// runs in its own child process; autocannon in this one sends pairs: a newCall with a fresh callId,
// then a dtmf "1" for that call (which takes the "connected" branch only if the state was found).
// The goal: server CPU per request with Redis at most 1.5× the memory store's.
import { spawn } from 'node:child_process';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { hasRedisServer, startRedisServer } from '@siphook/test-services';
import autocannon from 'autocannon';
import {
  callPairRequests,
  cpuMicros,
  dtmfBody,
  FORM,
  median,
  newCallBody,
} from './lib/call-pairs.mjs';
import { loadAverageLine } from './lib/compare.mjs';

const SELF = fileURLToPath(import.meta.url);

if (process.argv[2] === '--serve') await serve(process.argv[3]);
else await main();

/** Child mode: one server on a free port (memory, or the Redis URL given), prints its URL. */
async function serve(store) {
  const { createServer } = await import('@siphook/server');
  const options = { port: 0, logLevel: 'warn', signature: false };
  if (store !== 'memory') {
    const { createRedisCallStore } = await import('@siphook/redis-store');
    options.store = await createRedisCallStore({ url: store, prefix: 'bench' });
  }
  const server = await createServer(options);
  process.stdout.write(`${server.listenUrl}\n`);
}

function startServer(store) {
  const child = spawn(process.execPath, [SELF, '--serve', store], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      if (out.includes('\n')) resolve({ child, url: out.trim() });
    });
    child.on('exit', (code) => reject(new Error(`server (${store}) exited with ${code}`)));
  });
}

function post(url, body) {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: 'POST', headers: FORM }, (response) => {
      let text = '';
      response.on('data', (chunk) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode, body: text }));
    });
    request.on('error', reject);
    request.end(body);
  });
}

function load(url, duration) {
  return autocannon({ url, connections: 10, duration, requests: callPairRequests('bench') });
}

async function main() {
  if (!hasRedisServer()) {
    console.log('redis-server not found (apt-get install redis-server): store benchmark skipped');
    return;
  }
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
  const duration = Number(process.env.BENCH_SECONDS ?? 5);
  const redis = await startRedisServer();
  const redisPid = redis.pid;
  const cases = [
    { name: '(a) memory store', store: 'memory' },
    { name: '(b) Redis store (loopback), update() per push', store: redis.url, goal: 1.5 },
  ];
  for (const item of cases) {
    Object.assign(item, await startServer(item.store));
    // The dtmf must take the "connected" branch: proof that its state was found.
    await post(`${item.url}/`, newCallBody('check-1'));
    const answer = await post(`${item.url}/dtmf`, dtmfBody('check-1'));
    if (answer.status !== 200 || !answer.body.includes('4915799912345'))
      throw new Error(`${item.name}: dtmf did not find its call: ${answer.body.slice(0, 200)}`);
    Object.assign(item, { rps: [], p99: [], cpu: [], redisCpu: [], errors: 0 });
    await load(item.url, 1); // warm-up
  }
  for (let round = 0; round < rounds; round++) {
    for (const item of cases) {
      const before = cpuMicros(item.child.pid);
      const redisBefore = cpuMicros(redisPid);
      const result = await load(item.url, duration);
      item.cpu.push((cpuMicros(item.child.pid) - before) / result.requests.total);
      item.redisCpu.push((cpuMicros(redisPid) - redisBefore) / result.requests.total);
      item.rps.push(result.requests.average);
      item.p99.push(result.latency.p99);
      item.errors += result.errors + result.timeouts + (result.non2xx ?? 0);
    }
  }
  for (const item of cases) item.child.kill('SIGTERM');
  await redis.close();

  const baseCpu = median(cases[0].cpu);
  const lines = [
    `### Redis vs memory call store: newCall → dtmf pairs (autocannon, 10 connections, ${rounds} rounds × ${duration} s, medians)`,
    '',
    '| case | req/s | p99 ms | server CPU µs/req | × (a) | goal | redis-server CPU µs/req | errors |',
    '| --- | ---: | ---: | ---: | ---: | --- | ---: | ---: |',
  ];
  for (const item of cases) {
    const cpu = median(item.cpu);
    const ratio = cpu / baseCpu;
    const goal =
      item.goal === undefined
        ? 'baseline'
        : `≤ ${item.goal}× ${ratio <= item.goal ? 'met' : 'MISSED'}`;
    lines.push(
      `| ${item.name} | ${Math.round(median(item.rps)).toLocaleString('en-US')} | ${median(item.p99)} | ${cpu.toFixed(0)} | ${ratio.toFixed(2)} | ${goal} | ${median(item.redisCpu).toFixed(0)} | ${item.errors} |`,
    );
  }
  lines.push('', loadAverageLine(), '');
  console.log(lines.join('\n'));
}

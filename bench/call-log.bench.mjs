// The reference server's CPU per push with --call-log against the same server without it, in one
// run. Each server runs in its own child process; autocannon in the parent plays whole calls of the
// demo flow (newCall → Gather, dtmf 1 → Dial, hangup), each call with its own callId, so the log
// holds as many calls as were placed. The two cases alternate over several rounds; medians.
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { cpuMicros, startChildServer } from './lib/child-server.mjs';

const SELF = fileURLToPath(import.meta.url);
const FORM = { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' };
let calls = 0;

if (process.argv[2] === '--serve') await serve(process.argv[3]);
else await main();

/** Child mode: one server on a free port, with or without a call log; prints its URL. */
async function serve(file) {
  const { createServer } = await import('@siphook/server');
  const server = await createServer({
    port: 0,
    signature: false,
    ...(file === '-' ? {} : { callLog: file }),
  });
  process.stdout.write(`${server.listenUrl}\n`);
  process.once('SIGTERM', () => server.close().then(() => process.exit(0)));
}

/** Whole calls: each connection posts newCall, dtmf and hangup of a call of its own, in turn. */
function load(url, duration) {
  const push = (path, body) => ({
    method: 'POST',
    path,
    headers: FORM,
    setupRequest: (request, context) => {
      if (path === '/') context.callId = `bench-${process.pid}-${calls++}`;
      return { ...request, body: body(context.callId) };
    },
  });
  return autocannon({
    url,
    connections: 10,
    pipelining: 1,
    duration,
    requests: [
      push(
        '/',
        (callId) =>
          `event=newCall&callId=${callId}&direction=in&from=492111234567&to=4915791234567&user%5B%5D=Alice`,
      ),
      push('/dtmf', (callId) => `event=dtmf&callId=${callId}&dtmf=1`),
      push('/hangup', (callId) => `event=hangup&callId=${callId}&cause=normalClearing`),
    ],
  });
}

async function main() {
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
  const duration = Number(process.env.BENCH_SECONDS ?? 5);
  const folder = mkdtempSync(path.join(tmpdir(), 'siphook-bench-call-log-'));
  const file = path.join(folder, 'calls.db');
  const cases = [
    { name: 'siphook server', server: await startChildServer(SELF, '-') },
    { name: 'siphook server --call-log', server: await startChildServer(SELF, file) },
  ];
  try {
    for (const item of cases) {
      item.cpu = [];
      item.rps = [];
      item.errors = 0;
      await load(item.server.url, 1); // warm-up
    }
    for (let round = 0; round < rounds; round++) {
      for (const item of round % 2 === 0 ? cases : [...cases].reverse()) {
        const pid = item.server.child.pid;
        const before = cpuMicros(pid);
        const result = await load(item.server.url, duration);
        // The log saves in batches of up to 100 ms: count the last batch in.
        await new Promise((resolve) => setTimeout(resolve, 300));
        const after = cpuMicros(pid);
        item.cpu.push((after - before) / result.requests.total);
        item.rps.push(result.requests.average);
        item.errors += result.errors + result.timeouts + (result.non2xx ?? 0);
      }
    }
  } finally {
    for (const { server } of cases) server.child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const { openCallLogFile, CallQuerySchema } = await import('@siphook/call-log');
  const log = openCallLogFile(file, { retentionMs: 0, create: false });
  const logged = log.listCalls(CallQuerySchema.parse({ limit: '1' })).total;
  log.close();
  rmSync(folder, { recursive: true, force: true });

  const median = (list) => [...list].sort((x, y) => x - y)[Math.floor(list.length / 2)];
  const [off, on] = cases;
  const ratio = median(on.cpu) / median(off.cpu);
  console.log(
    `### call log: server CPU per push (autocannon, 10 connections, whole calls, ${rounds} rounds × ${duration} s, medians)`,
  );
  console.log('');
  console.log('| case | pushes/s | server CPU µs/push | × without | goal | errors |');
  console.log('| --- | ---: | ---: | ---: | --- | ---: |');
  for (const item of cases) {
    const times = median(item.cpu) / median(off.cpu);
    const goal = item === on ? (ratio <= 1.15 ? '≤ 1.15× met' : '≤ 1.15× MISSED') : 'baseline';
    console.log(
      `| ${item.name} | ${Math.round(median(item.rps)).toLocaleString('en')} | ${median(item.cpu).toFixed(1)} | ${times.toFixed(2)} | ${goal} | ${item.errors} |`,
    );
  }
  console.log('');
  console.log(`calls in the log afterwards: ${logged.toLocaleString('en')}`);
  console.log(
    `load average (1 / 5 / 15 min): ${loadavg()
      .map((value) => value.toFixed(1))
      .join(' / ')}`,
  );
  if (ratio > 1.15 || on.errors + off.errors > 0) process.exitCode = 1;
}

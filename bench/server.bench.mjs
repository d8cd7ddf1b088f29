// The reference server's newCall → XML path under load, against bare node:http answering the same
// XML bytes. Each server runs in its own child process (one core for it, one for autocannon here);
// cases alternate over several rounds so that the shared machine's noise hits all of them alike.
//
//   (a) bare node:http: reads the body, answers a constant XML (the bytes (b) answers)
//   (b) @siphook/server, signatures off
//   (c) @siphook/server, X-Sipgate-Signature verified (RSA-2048 test key, same body each time)
// (b) and (c) run at log level `info` (a JSON line per request, the default) and `warn`.
import { spawn } from 'node:child_process';
import { generateKeyPairSync, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const BODY =
  'from=492111234567&to=4915791234567&direction=in&event=newCall&callId=123456&user%5B%5D=Alice&user%5B%5D=Bob';
const SELF = fileURLToPath(import.meta.url);

if (process.argv[2] === '--serve') await serve(process.argv[3]);
else await main();

/** Child mode: start one server on a free port, print its URL, run until killed. */
async function serve(kind) {
  if (kind === 'bare') {
    const xml = Buffer.from(process.env.BENCH_XML ?? '<Response/>');
    const server = http.createServer((request, response) => {
      const chunks = [];
      request.on('data', (chunk) => chunks.push(chunk));
      request.on('end', () => {
        response.writeHead(200, {
          'Content-Type': 'application/xml; charset=utf-8',
          'Content-Length': xml.length,
        });
        response.end(xml);
      });
    });
    server.listen(0, '127.0.0.1', () => {
      process.stdout.write(`http://127.0.0.1:${server.address().port}/\n`);
    });
    return;
  }
  const { createServer } = await import('@siphook/server');
  const [, signed, level] = /^siphook-(plain|signed)-(\w+)$/.exec(kind) ?? [];
  const server = await createServer({
    port: 0,
    logLevel: level,
    signature: signed === 'signed',
    ...(signed === 'signed' ? { trustKeys: [process.env.BENCH_PUBLIC_KEY] } : {}),
  });
  process.stdout.write(`${server.listenUrl}/\n`);
}

function startServer(kind, env = {}) {
  const child = spawn(process.execPath, [SELF, '--serve', kind], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      if (out.includes('\n')) resolve({ child, url: out.trim() });
    });
    child.on('exit', (code) => reject(new Error(`${kind} server exited with ${code}`)));
  });
}

/** CPU time (user + system) a child process has used so far, in µs; undefined off Linux. */
function cpuMicros(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1e6) / 100; // clock ticks (USER_HZ 100)
  } catch {
    return undefined;
  }
}

function fetchOnce(url, headers) {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: 'POST', headers }, (response) => {
      let text = '';
      response.on('data', (chunk) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode, body: text }));
    });
    request.on('error', reject);
    request.end(BODY);
  });
}

function load(url, headers, duration) {
  return autocannon({
    url,
    method: 'POST',
    headers,
    body: BODY,
    connections: 10,
    pipelining: 1,
    duration,
  });
}

async function main() {
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
  const duration = Number(process.env.BENCH_SECONDS ?? 5);
  const keys = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  const form = { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' };
  const signedHeaders = {
    ...form,
    'x-sipgate-signature': sign('sha256', Buffer.from(BODY), keys.privateKey).toString('base64'),
  };

  const servers = {};
  servers['siphook-plain-info'] = await startServer('siphook-plain-info');
  const sample = await fetchOnce(servers['siphook-plain-info'].url, form);
  if (sample.status !== 200) throw new Error(`siphook answered ${sample.status}: ${sample.body}`);
  servers.bare = await startServer('bare', { BENCH_XML: sample.body });
  for (const kind of ['siphook-plain-warn', 'siphook-signed-info', 'siphook-signed-warn']) {
    servers[kind] = await startServer(kind, { BENCH_PUBLIC_KEY: keys.publicKey });
  }
  const cases = [
    { kind: 'bare', name: '(a) bare node:http, constant XML', headers: form },
    {
      kind: 'siphook-plain-info',
      name: '(b) siphook, signatures off, log info',
      headers: form,
      goal: 0.8,
    },
    {
      kind: 'siphook-plain-warn',
      name: '(b) siphook, signatures off, log warn',
      headers: form,
      goal: 0.8,
    },
    {
      kind: 'siphook-signed-info',
      name: '(c) siphook, signature verified, log info',
      headers: signedHeaders,
      goal: 0.5,
    },
    {
      kind: 'siphook-signed-warn',
      name: '(c) siphook, signature verified, log warn',
      headers: signedHeaders,
      goal: 0.5,
    },
  ];
  for (const item of cases) {
    const check = await fetchOnce(servers[item.kind].url, item.headers);
    const samePort = (text) => text.replace(/127\.0\.0\.1:\d+/g, 'HOST');
    if (check.status !== 200 || samePort(check.body) !== samePort(sample.body)) {
      throw new Error(
        `${item.name}: unexpected answer ${check.status}: ${check.body.slice(0, 200)}`,
      );
    }
    item.rps = [];
    item.p99 = [];
    item.p50 = [];
    item.errors = 0;
    item.cpu = [];
    await load(servers[item.kind].url, item.headers, 1); // warm-up
  }
  for (let round = 0; round < rounds; round++) {
    for (const item of cases) {
      const pid = servers[item.kind].child.pid;
      const before = cpuMicros(pid);
      const result = await load(servers[item.kind].url, item.headers, duration);
      const after = cpuMicros(pid);
      if (before !== undefined && after !== undefined) {
        item.cpu.push((after - before) / result.requests.total);
      }
      item.rps.push(result.requests.average);
      item.p99.push(result.latency.p99);
      item.p50.push(result.latency.p50);
      item.errors += result.errors + result.timeouts + (result.non2xx ?? 0);
    }
  }
  for (const { child } of Object.values(servers)) child.kill('SIGTERM');
  const loadAverage = loadavg()
    .map((value) => value.toFixed(1))
    .join(' / ');

  const median = (list) => [...list].sort((x, y) => x - y)[Math.floor(list.length / 2)];
  const base = cases[0];
  const baseRps = median(base.rps);
  const baseP99 = median(base.p99);
  const baseCpu = base.cpu.length > 0 ? median(base.cpu) : undefined;
  const lines = [
    `### webhook server: newCall → XML (autocannon, 10 connections, ${rounds} rounds × ${duration} s, medians)`,
    '',
    '| case | req/s | × (a) | goal | p50 ms | p99 ms | p99 ÷ (a) | goal p99 ≤ 2× | server CPU µs/req | CPU (a) ÷ case | errors |',
    '| --- | ---: | ---: | --- | ---: | ---: | ---: | --- | ---: | ---: | ---: |',
  ];
  for (const item of cases) {
    const rps = median(item.rps);
    const p99 = median(item.p99);
    const ratio = rps / baseRps;
    const p99Ratio = p99 / baseP99;
    const isBase = item === base;
    const cpu = item.cpu.length > 0 ? median(item.cpu) : undefined;
    const cpuText = cpu === undefined ? 'n/a' : cpu.toFixed(0);
    const cpuRatio =
      cpu === undefined || baseCpu === undefined ? 'n/a' : (baseCpu / cpu).toFixed(2);
    lines.push(
      `| ${item.name} | ${Math.round(rps).toLocaleString('en-US')} | ${ratio.toFixed(2)} | ${isBase ? 'baseline' : `≥ ${item.goal}× ${ratio >= item.goal ? 'met' : 'MISSED'}`} | ${median(item.p50)} | ${p99} | ${p99Ratio.toFixed(2)} | ${isBase ? '' : p99Ratio <= 2 ? 'met' : 'MISSED'} | ${cpuText} | ${cpuRatio} | ${item.errors} |`,
    );
  }
  lines.push(
    '',
    `Load average at the end (1 / 5 / 15 min): ${loadAverage}.`,
    'req/s and latency are what the goals are checked against; on a shared machine autocannon and',
    'the other load can bind all cases alike, so the server CPU time per request (from',
    '/proc/<pid>/stat) shows the cost each server adds, independent of who else is running.',
    '',
  );
  console.log(lines.join('\n'));
}

// The reference server's newCall → XML path under load, against bare node:http answering the same
// XML bytes. Each server runs in its own child process (one core for it, one for autocannon here);
// cases alternate over several rounds so that the shared machine's noise hits all of them alike.
//
//   (a) bare node:http: reads the body, answers a constant XML (the bytes (b) answers)
//   (b) `siphook server` with a flow answering every newCall with one Dial, signatures off
//   (c) the same with X-Sipgate-Signature verified: the captured live push, signed by sipgate.io's
//       own RSA-4096 key (one real verification per request, as in production)
// at log level `info` (a JSON line per request, the default) and `warn`.
//
// Goals (issue "one statement of each rule"): server CPU per request of (b) ≤ 1.3× (a); of (c)
// ≤ (a) + 1.5× one RSA-4096 verification as `openssl speed rsa4096` measures it here.
// BENCH_COMPARE_DIR=<another checkout, built> adds its (b) and (c) at info, for before/after.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import autocannon from 'autocannon';
import { loadAverageLine } from './lib/compare.mjs';

const SELF = fileURLToPath(import.meta.url);
const CAPTURE = new URL(
  '../packages/webhook/test/fixtures/signed-newcall-request.http',
  import.meta.url,
);
const FLOW = 'name: bench\nroutes:\n  - name: dial\n    actions:\n      - dial: "4915799912345"\n';

if (process.argv[2] === '--serve') await serve(process.argv[3]);
else await main();

/** The captured live push: headers and exact body bytes. */
function readCapture() {
  const raw = readFileSync(CAPTURE);
  const split = raw.indexOf('\n\n');
  const headers = {};
  for (const line of raw.subarray(0, split).toString('latin1').split('\n').slice(1)) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { headers, body: raw.subarray(split + 2) };
}

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
  const [, which, signed, level] = /^(siphook|compare)-(plain|signed)-(\w+)$/.exec(kind) ?? [];
  const entry =
    which === 'compare'
      ? pathToFileURL(join(process.env.BENCH_COMPARE_DIR, 'apps/server/dist/index.js')).href
      : '@siphook/server';
  const { createServer } = await import(entry);
  const server = await createServer({
    port: 0,
    flow: process.env.BENCH_FLOW,
    logLevel: level,
    signature: signed === 'signed',
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

function fetchOnce(url, headers, body) {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: 'POST', headers }, (response) => {
      let text = '';
      response.on('data', (chunk) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode, body: text }));
    });
    request.on('error', reject);
    request.end(body);
  });
}

function load(url, headers, body, duration) {
  return autocannon({
    url,
    method: 'POST',
    headers,
    body,
    connections: 10,
    pipelining: 1,
    duration,
  });
}

/** µs per RSA-4096 verification by OpenSSL on this machine; undefined without openssl. */
function opensslVerifyMicros() {
  const result = spawnSync('openssl', ['speed', '-seconds', '3', 'rsa4096'], { encoding: 'utf8' });
  if (result.error !== undefined || result.status !== 0) return undefined;
  const line = /rsa 4096 bits\s+(\S+)s\s+(\S+)s/.exec(result.stdout);
  return line === null ? undefined : Number(line[2]) * 1e6;
}

async function main() {
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
  const duration = Number(process.env.BENCH_SECONDS ?? 5);
  const compare = process.env.BENCH_COMPARE_DIR;
  const capture = readCapture();
  const body = capture.body;
  const form = { 'content-type': capture.headers['content-type'] };
  const signed = { ...form, 'x-sipgate-signature': capture.headers['x-sipgate-signature'] };
  const folder = mkdtempSync(join(tmpdir(), 'siphook-bench-'));
  const flowFile = join(folder, 'dial.yaml');
  writeFileSync(flowFile, FLOW);
  const env = { BENCH_FLOW: flowFile };

  const servers = {};
  servers['siphook-plain-info'] = await startServer('siphook-plain-info', env);
  const sample = await fetchOnce(servers['siphook-plain-info'].url, form, body);
  if (sample.status !== 200) throw new Error(`siphook answered ${sample.status}: ${sample.body}`);
  servers.bare = await startServer('bare', { BENCH_XML: sample.body });
  const cases = [
    { kind: 'bare', name: '(a) bare node:http, constant XML', headers: form },
    {
      kind: 'siphook-plain-info',
      name: '(b) siphook server, signatures off, log info',
      headers: form,
      goal: 'plain',
    },
    {
      kind: 'siphook-plain-warn',
      name: '(b) siphook server, signatures off, log warn',
      headers: form,
      goal: 'plain',
    },
    {
      kind: 'siphook-signed-info',
      name: '(c) siphook server, RSA-4096 signature, log info',
      headers: signed,
      goal: 'signed',
    },
    {
      kind: 'siphook-signed-warn',
      name: '(c) siphook server, RSA-4096 signature, log warn',
      headers: signed,
      goal: 'signed',
    },
  ];
  if (compare !== undefined) {
    cases.push(
      {
        kind: 'compare-plain-info',
        name: '(b) before (BENCH_COMPARE_DIR), signatures off, log info',
        headers: form,
      },
      {
        kind: 'compare-signed-info',
        name: '(c) before (BENCH_COMPARE_DIR), RSA-4096 signature, log info',
        headers: signed,
      },
    );
  }
  for (const item of cases) {
    servers[item.kind] ??= await startServer(item.kind, env);
    const check = await fetchOnce(servers[item.kind].url, item.headers, body);
    const samePort = (text) => text.replace(/127\.0\.0\.1:\d+/g, 'HOST');
    if (check.status !== 200 || samePort(check.body) !== samePort(sample.body)) {
      throw new Error(
        `${item.name}: unexpected answer ${check.status}: ${check.body.slice(0, 200)}`,
      );
    }
    Object.assign(item, { rps: [], p99: [], cpu: [], errors: 0 });
    await load(servers[item.kind].url, item.headers, body, 1); // warm-up
  }
  for (let round = 0; round < rounds; round++) {
    // The order rotates, so no case always follows the same one.
    for (let i = 0; i < cases.length; i++) {
      const item = cases[(i + round) % cases.length];
      const pid = servers[item.kind].child.pid;
      const before = cpuMicros(pid);
      const result = await load(servers[item.kind].url, item.headers, body, duration);
      const after = cpuMicros(pid);
      if (before !== undefined && after !== undefined) {
        item.cpu.push((after - before) / result.requests.total);
      }
      item.rps.push(result.requests.average);
      item.p99.push(result.latency.p99);
      item.errors += result.errors + result.timeouts + (result.non2xx ?? 0);
    }
  }
  for (const { child } of Object.values(servers)) child.kill('SIGTERM');
  rmSync(folder, { recursive: true, force: true });
  const verifyMicros = opensslVerifyMicros();

  const median = (list) => [...list].sort((x, y) => x - y)[Math.floor(list.length / 2)];
  const baseCpu = median(cases[0].cpu);
  const baseRps = median(cases[0].rps);
  const lines = [
    `### webhook server: newCall → Dial (autocannon, 10 connections, ${rounds} rounds × ${duration} s, medians)`,
    '',
    '| case | req/s | × (a) | p99 ms | server CPU µs/req | CPU ÷ (a) | goal | met | errors |',
    '| --- | ---: | ---: | ---: | ---: | ---: | --- | --- | ---: |',
  ];
  for (const item of cases) {
    const cpu = median(item.cpu);
    let goal = '';
    let met = '';
    if (item.goal === 'plain') {
      goal = '≤ 1.3× (a)';
      met = cpu <= 1.3 * baseCpu ? 'yes' : 'NO';
    } else if (item.goal === 'signed' && verifyMicros !== undefined) {
      const limit = baseCpu + 1.5 * verifyMicros;
      goal = `≤ (a) + 1.5 × ${verifyMicros.toFixed(0)} µs = ${limit.toFixed(0)} µs`;
      met = cpu <= limit ? 'yes' : 'NO';
    }
    lines.push(
      `| ${item.name} | ${Math.round(median(item.rps)).toLocaleString('en-US')} | ${(median(item.rps) / baseRps).toFixed(2)} | ${median(item.p99)} | ${cpu.toFixed(1)} | ${(cpu / baseCpu).toFixed(2)} | ${goal} | ${met} | ${item.errors} |`,
    );
  }
  lines.push(
    '',
    verifyMicros === undefined
      ? 'openssl is missing (Debian package `openssl`): the (c) goal is not checked.'
      : `\`openssl speed -seconds 3 rsa4096\`: ${verifyMicros.toFixed(1)} µs per verification on this machine.`,
    loadAverageLine(),
    '',
  );
  console.log(lines.join('\n'));
}

// Memory held by the call store: `siphook server` (the demo flow, memory store) after 10,000 dtmf
// pushes of about 60 KB each (an unknown field padded out, as in the fuzz campaign), against the
// same run with 100-byte pushes, each in a fresh server process. Every push opens a new call (a
// new 24-digit call id), so the store keeps 10,000 entries. Goal (issue "hardening"): RSS after
// the 60 KB run within 30 MiB of the 100-byte run. BENCH_COMPARE_DIR=<another checkout, built>
// adds its server, for before/after.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadAverageLine } from './lib/compare.mjs';

const SELF = fileURLToPath(import.meta.url);
const PUSHES = Number(process.env.BENCH_PUSHES ?? 10_000);
const MiB = 1024 * 1024;

if (process.argv[2] === '--serve') {
  const dir = process.env.BENCH_SERVER_DIR;
  const entry =
    dir === '' ? '@siphook/server' : pathToFileURL(join(dir, 'apps/server/dist/index.js')).href;
  const { createServer } = await import(entry);
  const server = await createServer({ port: 0, signature: false, logLevel: 'warn' });
  process.stdout.write(`${server.listenUrl}/\n`);
} else await main();

function rssOf(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)[1]) * 1024;
}

async function run(dir, padding) {
  const child = spawn(process.execPath, [SELF, '--serve'], {
    env: { ...process.env, BENCH_SERVER_DIR: dir ?? '' },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const url = new URL(
    await new Promise((resolve) => child.stdout.once('data', (d) => resolve(String(d).trim()))),
  );
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  const post = (body) =>
    new Promise((resolve, reject) => {
      const request = http.request(
        {
          host: url.hostname,
          port: url.port,
          method: 'POST',
          agent,
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            'content-length': Buffer.byteLength(body),
          },
        },
        (response) => {
          response.resume();
          response.on('end', () =>
            response.statusCode === 200
              ? resolve()
              : reject(new Error(`status ${response.statusCode}`)),
          );
        },
      );
      request.on('error', reject);
      request.end(body);
    });
  const before = rssOf(child.pid);
  let next = 0;
  const pad = 'x'.repeat(padding);
  const worker = async () => {
    while (next < PUSHES) {
      const index = next++;
      await post(`event=dtmf&dtmf=1&callId=${index.toString(16).padStart(24, '0')}&pad=${pad}`);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: 8 }, worker));
  const seconds = (performance.now() - started) / 1000;
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const after = rssOf(child.pid);
  agent.destroy();
  child.kill('SIGTERM');
  return { before, after, seconds, bytes: 60 + padding };
}

async function main() {
  const variants = [{ name: 'siphook server (this checkout)', dir: undefined }];
  if (process.env.BENCH_COMPARE_DIR !== undefined) {
    variants.push({
      name: 'siphook server before (BENCH_COMPARE_DIR)',
      dir: process.env.BENCH_COMPARE_DIR,
    });
  }
  const lines = [
    `### call store memory: server RSS after ${PUSHES.toLocaleString('en-US')} dtmf pushes, each a new call`,
    '',
    '| server | push size | RSS before (MiB) | RSS after (MiB) | after − 100-byte run (MiB) | goal | met | s |',
    '| --- | ---: | ---: | ---: | ---: | --- | --- | ---: |',
  ];
  for (const variant of variants) {
    const small = await run(variant.dir, 40);
    const large = await run(variant.dir, 60_000);
    const excess = (large.after - small.after) / MiB;
    for (const [result, goal] of [
      [small, false],
      [large, true],
    ]) {
      lines.push(
        `| ${variant.name} | ${result.bytes.toLocaleString('en-US')} B | ${(result.before / MiB).toFixed(0)} | ${(result.after / MiB).toFixed(0)} | ${goal ? excess.toFixed(0) : ''} | ${goal ? '≤ 30' : ''} | ${goal ? (excess <= 30 ? 'yes' : 'NO') : ''} | ${result.seconds.toFixed(1)} |`,
      );
    }
  }
  lines.push('', loadAverageLine(), '');
  console.log(lines.join('\n'));
}

// @siphook/audio-host against sirv: both serve the same 48 KB prompt from the same folder to 50
// autocannon connections, alternating over several rounds in one run. The servers run in a child
// process (this file with --serve) so that autocannon's own CPU use does not sit in their event loop.
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const CONNECTIONS = 50;

/** 8 kHz mono 16-bit PCM, 3 s: 48,000 bytes of samples plus the 44-byte header. */
function prompt() {
  const frames = 24_000;
  const buffer = Buffer.alloc(44 + frames * 2);
  buffer.write('RIFF', 0, 'ascii');
  buffer.writeUInt32LE(36 + frames * 2, 4);
  buffer.write('WAVEfmt ', 8, 'ascii');
  buffer.writeUInt32LE(16, 16);
  buffer.writeUInt16LE(1, 20);
  buffer.writeUInt16LE(1, 22);
  buffer.writeUInt32LE(8000, 24);
  buffer.writeUInt32LE(16000, 28);
  buffer.writeUInt16LE(2, 32);
  buffer.writeUInt16LE(16, 34);
  buffer.write('data', 36, 'ascii');
  buffer.writeUInt32LE(frames * 2, 40);
  for (let i = 0; i < frames; i++)
    buffer.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / 8000)), 44 + i * 2);
  return buffer;
}

async function serve(dir) {
  const { createAudioHost } = await import('@siphook/audio-host');
  const { default: sirv } = await import('sirv');
  const listen = (listener) =>
    new Promise((resolve) => {
      const server = createServer(listener);
      server.listen(0, '127.0.0.1', () => resolve(server.address().port));
    });
  const host = await createAudioHost({ root: dir, publicUrl: 'http://127.0.0.1' });
  const serveStatic = sirv(dir, { dev: false, etag: true, maxAge: 60 });
  const siphookPort = await listen(host.handle);
  const sirvPort = await listen((req, res) =>
    serveStatic(req, res, () => res.writeHead(404).end()),
  );
  process.send({ siphookPort, sirvPort, hashed: new URL(host.urlFor('welcome')).pathname });
}

async function main() {
  const { default: autocannon } = await import('autocannon');
  const dir = mkdtempSync(join(tmpdir(), 'siphook-bench-audio-'));
  const bytes = prompt();
  writeFileSync(join(dir, 'welcome.wav'), bytes);
  const child = fork(new URL(import.meta.url).pathname, ['--serve', dir], { stdio: 'inherit' });
  try {
    const ports = await new Promise((resolve, reject) => {
      child.once('message', resolve);
      child.once('exit', (code) => reject(new Error(`server process exited with ${code}`)));
    });
    const cases = [
      {
        name: `sirv 3.0.2 (dev: false, etag) GET /welcome.wav`,
        url: `http://127.0.0.1:${ports.sirvPort}/welcome.wav`,
      },
      {
        name: `audio-host GET ${ports.hashed.replace(/\.[0-9a-f]{8}\./, '.<hash>.')} (immutable)`,
        url: `http://127.0.0.1:${ports.siphookPort}${ports.hashed}`,
        goal: 1,
      },
      {
        name: 'audio-host GET /welcome.wav (plain name)',
        url: `http://127.0.0.1:${ports.siphookPort}/welcome.wav`,
        goal: 1,
      },
    ];
    // Same bytes from every server, or the comparison means nothing.
    for (const item of cases) {
      const response = await fetch(item.url);
      const body = Buffer.from(await response.arrayBuffer());
      if (response.status !== 200 || !body.equals(bytes))
        throw new Error(`${item.name}: unexpected response ${response.status}`);
    }
    const run = (url, duration) =>
      new Promise((resolve, reject) =>
        autocannon({ url, connections: CONNECTIONS, duration }, (error, result) =>
          error ? reject(error) : resolve(result),
        ),
      );
    for (const item of cases) await run(item.url, 1); // warm-up
    const samples = cases.map(() => []);
    for (let round = 0; round < ROUNDS; round++) {
      // Rotate the order every round so that neither side always runs first.
      for (let k = 0; k < cases.length; k++) {
        const i = (k + round) % cases.length;
        const result = await run(cases[i].url, SECONDS);
        if (result.non2xx > 0 || result.errors > 0)
          throw new Error(`${cases[i].name}: ${result.non2xx} non-2xx, ${result.errors} errors`);
        samples[i].push({ rps: result.requests.average, p99: result.latency.p99 });
      }
    }
    const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
    const rps = samples.map((list) => median(list.map((s) => s.rps)));
    const p99 = samples.map((list) => median(list.map((s) => s.p99)));
    const lines = [
      `### audio-host: 48,044-byte prompt, ${CONNECTIONS} connections, ${ROUNDS} alternating rounds of ${SECONDS} s (median)`,
      '',
      '| case | req/s | p99 latency (ms) | × sirv | goal | met |',
      '| --- | ---: | ---: | ---: | --- | --- |',
      ...cases.map((item, i) => {
        const ratio = rps[i] / rps[0];
        const goal = item.goal === undefined ? '' : `≥ ${item.goal}×`;
        const met = item.goal === undefined ? '' : ratio >= item.goal ? 'yes' : 'NO';
        return `| ${item.name}${i === 0 ? ' (baseline)' : ''} | ${Math.round(rps[i]).toLocaleString('en-US')} | ${p99[i]} | ${ratio.toFixed(2)} | ${goal} | ${met} |`;
      }),
      '',
    ];
    console.log(lines.join('\n'));
  } finally {
    child.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--serve') await serve(process.argv[3]);
else await main();

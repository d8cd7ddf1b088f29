// Bytes read by checkUrl on a 5 MiB WAV served over loopback, against downloading the whole file
// (what a naive check does) in the same run. Goal: checkUrl reads at most 64 KiB.
import { once } from 'node:events';
import { createServer } from 'node:http';
import { checkUrl, encodeCanonicalHeader } from '@siphook/wav';
import { request } from 'undici';

const FIVE_MIB = 5 * 1024 * 1024;
const GOAL = 64 * 1024;
const ROUNDS = 20;

/** A canonical 8 kHz mono 16-bit file with 5 MiB of audio. */
function bigWav() {
  const file = Buffer.concat([encodeCanonicalHeader(FIVE_MIB), Buffer.alloc(FIVE_MIB)]);
  for (let i = 44; i < file.length; i++) file[i] = (i * 31) & 0xff;
  return file;
}

const file = bigWav();
let written = 0;

/** Waits for 'drain' or 'close', whichever comes first, and removes both listeners. */
function drainOrClose(res) {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/** Writes with back-pressure so `written` counts what the socket actually took. */
async function pump(res, body) {
  for (let at = 0; at < body.length && !res.destroyed; at += 16384) {
    const piece = body.subarray(at, at + 16384);
    written += piece.length;
    if (!res.write(piece)) await drainOrClose(res);
  }
  if (!res.destroyed) res.end();
}

const server = createServer((req, res) => {
  const range = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? '');
  if (req.url === '/honours-range.wav' && range) {
    const start = Number(range[1]);
    const end = Math.min(Number(range[2]), file.length - 1);
    res.writeHead(206, {
      'content-type': 'audio/wav',
      'content-length': end - start + 1,
      'content-range': `bytes ${start}-${end}/${file.length}`,
    });
    return void pump(res, file.subarray(start, end + 1));
  }
  res.writeHead(200, { 'content-type': 'audio/wav', 'content-length': file.length });
  void pump(res, file);
});
server.listen(0, '127.0.0.1');
await once(server, 'listening');
const base = `http://127.0.0.1:${server.address().port}`;

async function downloadWhole(url) {
  const { body } = await request(url);
  let bytes = 0;
  for await (const chunk of body) bytes += chunk.length;
  return { bytesRead: bytes, bytesReceived: bytes };
}

const cases = [
  {
    name: 'GET whole file (naive check)',
    baseline: true,
    run: () => downloadWhole(`${base}/ignores-range.wav`),
  },
  { name: 'checkUrl, server honours Range', run: () => checkUrl(`${base}/honours-range.wav`) },
  { name: 'checkUrl, server ignores Range', run: () => checkUrl(`${base}/ignores-range.wav`) },
];

const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
const results = cases.map(() => ({ ms: [], read: [], received: [], written: [] }));
for (let round = 0; round < ROUNDS; round++) {
  for (const [i, item] of cases.entries()) {
    written = 0;
    const started = performance.now();
    const result = await item.run();
    results[i].ms.push(performance.now() - started);
    if (result.ok === false) throw new Error(`${item.name}: ${JSON.stringify(result.problems)}`);
    // Let the server notice the closed socket before reading its count.
    await new Promise((resolve) => setTimeout(resolve, 20));
    results[i].read.push(result.bytesRead);
    results[i].received.push(result.bytesReceived);
    results[i].written.push(written);
  }
}
server.closeAllConnections();
server.close();

const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
const baseMs = median(results[0].ms);
const lines = [
  `### checkUrl: bytes read from a 5 MiB WAV (${ROUNDS} rounds, medians; max for bytes)`,
  '',
  '| case | bytes read (max) | bytes received (max) | server wrote (median) | ms | × baseline time | goal | met |',
  '| --- | ---: | ---: | ---: | ---: | ---: | --- | --- |',
  ...cases.map((item, i) => {
    const r = results[i];
    const read = Math.max(...r.read);
    const goal = item.baseline ? '' : `≤ ${kib(GOAL)}`;
    // The goal is on what checkUrl takes in; received adds the rest of the last network read.
    const met = item.baseline ? '' : read <= GOAL ? 'yes' : 'NO';
    const ms = median(r.ms);
    return `| ${item.name}${item.baseline ? ' (baseline)' : ''} | ${kib(read)} | ${kib(Math.max(...r.received))} | ${kib(median(r.written))} | ${ms.toFixed(1)} | ${(baseMs / ms).toFixed(1)} | ${goal} | ${met} |`;
  }),
  '',
  '"bytes read" is what checkUrl took in for inspection; "bytes received" counts every body byte',
  'undici handed over before the body was aborted; "server wrote" is what the socket accepted',
  '(kernel buffers take some after the client has stopped reading).',
  '',
];
console.log(lines.join('\n'));

// decodeEvent against the cheapest possible decode: only `new URLSearchParams(body)`. The first
// version's goal (≥ 0.5×) is retired (issue 10): decodeEvent now checks each push with the zod
// schema itself and copies every string out of the body, and the ratio shows what that costs.
// Then what decoded events keep alive: 10,000 padded pushes against 10,000 short ones (issue 12).
import { readFileSync } from 'node:fs';
import { decodeEvent } from '@siphook/schema';
import { compareOps } from './lib/compare.mjs';

const capture = readFileSync(
  new URL('../packages/schema/test/fixtures/signed-newcall-request.http', import.meta.url),
  'utf8',
);
const live = capture.slice(capture.indexOf('\n\n') + 2).trim();
const curl =
  'from=492111234567&to=4915791234567&direction=in&event=newCall&callId=123456&user[]=Alice&user[]=Bob';
const dtmf = 'event=dtmf&dtmf=1&callId=123456';

await compareOps(
  'decodeEvent: live newCall capture (267 bytes)',
  { name: 'new URLSearchParams(body)', fn: () => new URLSearchParams(live) },
  [{ name: 'decodeEvent(body)', fn: () => decodeEvent(live) }],
);
await compareOps(
  'decodeEvent: contract newCall curl example',
  { name: 'new URLSearchParams(body)', fn: () => new URLSearchParams(curl) },
  [{ name: 'decodeEvent(body)', fn: () => decodeEvent(curl) }],
);
await compareOps(
  'decodeEvent: dtmf',
  { name: 'new URLSearchParams(body)', fn: () => new URLSearchParams(dtmf) },
  [{ name: 'decodeEvent(body)', fn: () => decodeEvent(dtmf) }],
);

/**
 * Heap kept alive by 10,000 decoded dtmf events (as a call store keeps callIds), each decoded
 * from its own body: `padding` bytes in an unknown field, as in the fuzz campaign of issue 12.
 * Run with --expose-gc (bench/run.mjs does).
 */
function retainedBy(padding) {
  const pad = 'x'.repeat(padding);
  globalThis.gc();
  const before = process.memoryUsage().heapUsed;
  const kept = [];
  for (let i = 0; i < 10_000; i++) {
    const callId = `${String(i).padStart(8, '0')}-5c1b-4a47-9d61-0c9a4e2b7f10`;
    kept.push(decodeEvent(`event=dtmf&dtmf=1&callId=${callId}&pad=${pad}${i}`));
  }
  globalThis.gc();
  const after = process.memoryUsage().heapUsed;
  return { bytes: after - before, kept: kept.length };
}
const short = retainedBy(40);
const padded = retainedBy(60_000);
const mib = (bytes) => (bytes / 2 ** 20).toFixed(1);
console.log(
  '### decodeEvent: heap kept by 10,000 decoded events (goal: padded within 30 MiB of short)\n',
);
console.log('| bodies | heap kept (MiB) | goal | met |');
console.log('| --- | ---: | --- | --- |');
console.log(`| 10,000 × ~100 bytes (baseline) | ${mib(short.bytes)} |  |  |`);
const met = padded.bytes - short.bytes <= 30 * 2 ** 20 ? 'yes' : 'NO';
console.log(
  `| 10,000 × ~60 KB (padded unknown field) | ${mib(padded.bytes)} | ≤ baseline + 30 MiB | ${met} |`,
);
console.log('');

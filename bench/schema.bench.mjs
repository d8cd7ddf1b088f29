// decodeEvent against the cheapest possible decode: only `new URLSearchParams(body)`.
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
  [{ name: 'decodeEvent(body)', fn: () => decodeEvent(live), goal: 0.5 }],
);
await compareOps(
  'decodeEvent: contract newCall curl example',
  { name: 'new URLSearchParams(body)', fn: () => new URLSearchParams(curl) },
  [{ name: 'decodeEvent(body)', fn: () => decodeEvent(curl), goal: 0.5 }],
);
await compareOps(
  'decodeEvent: dtmf',
  { name: 'new URLSearchParams(body)', fn: () => new URLSearchParams(dtmf) },
  [{ name: 'decodeEvent(body)', fn: () => decodeEvent(dtmf), goal: 0.5 }],
);

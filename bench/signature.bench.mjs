// X-Sipgate-Signature verification on Node: crypto.subtle (what the portable core would use)
// against node:crypto's one-shot verify, for the same RSA-4096 key and body (sipgate.io's key and
// the captured live push), in one process. CPU time per verification (user + system of the whole
// process, so the thread pool crypto.subtle hops to is counted), interleaved over several rounds.
// Goal (issue "the webhook on every runtime"): crypto.subtle ≤ 1.2× node:crypto; if it loses, the
// faster one is kept on Node (the package's #runtime import condition).
import { createPublicKey, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createSignatureVerifier, sipgatePublicKey } from '@siphook/webhook';
import { loadAverageLine } from './lib/compare.mjs';

const capture = readFileSync(
  new URL('../packages/webhook/test/fixtures/signed-newcall-request.http', import.meta.url),
);
const split = capture.indexOf('\n\n');
const signatureText = /x-sipgate-signature: (.+)/i
  .exec(capture.subarray(0, split).toString('latin1'))[1]
  .trim();
const body = new Uint8Array(capture.subarray(split + 2));
const signature = Uint8Array.from(Buffer.from(signatureText, 'base64'));
const pem = sipgatePublicKey();
const keyObject = createPublicKey(pem);
const algorithm = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
const cryptoKey = await crypto.subtle.importKey(
  'jwk',
  keyObject.export({ format: 'jwk' }),
  algorithm,
  false,
  ['verify'],
);
const shipped = createSignatureVerifier([pem]);

const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
const count = Number(process.env.BENCH_COUNT ?? 2000);
const cases = [
  {
    name: "node:crypto verify('sha256', body, key, signature) (baseline)",
    run: async () => verify('sha256', body, keyObject, signature),
  },
  {
    name: 'crypto.subtle.verify(RSASSA-PKCS1-v1_5, key, signature, body), one at a time',
    run: () => crypto.subtle.verify(algorithm, cryptoKey, signature, body),
    goal: 1.2,
  },
  {
    name: 'crypto.subtle.verify, 10 in flight (as under load)',
    run: () => crypto.subtle.verify(algorithm, cryptoKey, signature, body),
    parallel: 10,
  },
  {
    name: 'createSignatureVerifier (what the webhook runs on Node: base64 + node:crypto)',
    run: () => shipped(body, signatureText),
  },
];

async function timeCase(item) {
  const started = process.cpuUsage();
  const wall = performance.now();
  const parallel = item.parallel ?? 1;
  for (let i = 0; i < count; i += parallel) {
    const batch = [];
    for (let j = 0; j < parallel; j++) batch.push(item.run());
    for (const ok of await Promise.all(batch))
      if (ok !== true) throw new Error(`${item.name} did not verify`);
  }
  const cpu = process.cpuUsage(started);
  return {
    cpu: (cpu.user + cpu.system) / count,
    wall: ((performance.now() - wall) * 1000) / count,
  };
}

for (const item of cases) {
  item.cpu = [];
  item.wall = [];
  await timeCase({ ...item }); // warm-up
}
for (let round = 0; round < rounds; round++) {
  for (let i = 0; i < cases.length; i++) {
    const item = cases[(i + round) % cases.length];
    const { cpu, wall } = await timeCase(item);
    item.cpu.push(cpu);
    item.wall.push(wall);
  }
}
const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
const base = median(cases[0].cpu);
const lines = [
  `### signature: RSA-4096 verification on Node, ${count} per case × ${rounds} rounds (medians)`,
  '',
  '| case | CPU µs/verify | wall µs/verify | CPU × node:crypto | goal | met |',
  '| --- | ---: | ---: | ---: | --- | --- |',
];
for (const item of cases) {
  const cpu = median(item.cpu);
  const ratio = cpu / base;
  lines.push(
    `| ${item.name} | ${cpu.toFixed(1)} | ${median(item.wall).toFixed(1)} | ${ratio.toFixed(2)} | ${item.goal === undefined ? '' : `≤ ${item.goal}×`} | ${item.goal === undefined ? '' : ratio <= item.goal ? 'yes' : 'NO'} |`,
  );
}
lines.push('', loadAverageLine(), '');
console.log(lines.join('\n'));

// Cold start: how long `import('@siphook/webhook')` takes in a fresh Node process, against
// `import('zod')` alone (the schema's own dependency, which no webhook can avoid). Each import runs
// in its own process; the cases alternate over many rounds (order rotated), and the medians are
// compared. Goal (issue "one statement of each rule"): at most 1.5× zod.
// BENCH_COMPARE_DIR=<another checkout, built> adds its webhook, for before/after.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadAverageLine } from './lib/compare.mjs';

const rounds = Number(process.env.BENCH_ROUNDS ?? 21);
const compare = process.env.BENCH_COMPARE_DIR;

const cases = [
  // The bare specifier: zod's ESM build, as @siphook/schema loads it (require.resolve would
  // give the CommonJS build, which loads slower).
  { name: "import('zod') (baseline)", specifier: 'zod' },
  { name: "import('@siphook/schema')", specifier: '@siphook/schema' },
  { name: "import('@siphook/webhook')", specifier: '@siphook/webhook', goal: 1.5 },
  {
    name: "import('@siphook/webhook') + createWebhookHandler() + first push answered",
    specifier: '@siphook/webhook',
    firstPush: true,
  },
];
if (compare !== undefined) {
  cases.push({
    name: "import('@siphook/webhook') before (BENCH_COMPARE_DIR)",
    specifier: pathToFileURL(join(compare, 'packages/webhook/dist/index.js')).href,
  });
}

/** Milliseconds the import (and, with firstPush, one push) takes in a fresh process. */
function measure({ specifier, firstPush }) {
  const push = firstPush
    ? `const h = m.createWebhookHandler({ signature: false, logger: { debug() {}, info() {}, warn() {}, error() {}, child() { return this; } }, onNewCall: () => ({ actions: [{ action: 'Hangup' }] }) });
       const r = await h(new Request('http://x/', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'event=newCall&callId=1&from=1&to=2&direction=in' }));
       if (r.status !== 200) throw new Error(String(r.status));`
    : '';
  const script = `const t = performance.now(); const m = await import(${JSON.stringify(specifier)}); ${push} process.stdout.write(String(performance.now() - t));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: import.meta.dirname,
    encoding: 'utf8',
  });
  return Number(out);
}

const samples = cases.map(() => []);
for (let i = 0; i < cases.length; i++) measure(cases[i]); // warm the file system cache
for (let round = 0; round < rounds; round++) {
  for (let i = 0; i < cases.length; i++) {
    const index = (i + round) % cases.length;
    samples[index].push(measure(cases[index]));
  }
}
const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
const base = median(samples[0]);
const lines = [
  `### cold start: import in a fresh Node process (${rounds} alternating rounds, medians)`,
  '',
  '| case | ms (median) | min | max | × zod | goal | met |',
  '| --- | ---: | ---: | ---: | ---: | --- | --- |',
];
cases.forEach((item, i) => {
  const ms = median(samples[i]);
  const ratio = ms / base;
  const goal = item.goal === undefined ? '' : `≤ ${item.goal}×`;
  const met = item.goal === undefined ? '' : ratio <= item.goal ? 'yes' : 'NO';
  lines.push(
    `| ${item.name} | ${ms.toFixed(1)} | ${Math.min(...samples[i]).toFixed(1)} | ${Math.max(...samples[i]).toFixed(1)} | ${ratio.toFixed(2)} | ${goal} | ${met} |`,
  );
});
lines.push('', loadAverageLine(), '');
console.log(lines.join('\n'));

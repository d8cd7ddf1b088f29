// inspectWav on a 5 MiB prompt file against the usual alternative, reading the whole file and
// parsing it with wavefile, in the same run. inspectWav reads only the header region.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkPlayable, encodeCanonicalHeader, inspectWav } from '@siphook/wav';
import wavefile from 'wavefile';

const FIVE_MIB = 5 * 1024 * 1024;
const ROUNDS = 7;
const PER_ROUND = 40;

// A canonical Play-format file: the library's own 44-byte header, then 5 MiB of silence.
const file = Buffer.concat([encodeCanonicalHeader(FIVE_MIB), Buffer.alloc(FIVE_MIB)]);
const dir = mkdtempSync(join(tmpdir(), 'siphook-bench-inspect-'));
const path = join(dir, 'prompt.wav');
writeFileSync(path, file);

const cases = [
  {
    name: 'readFile + wavefile.fromBuffer',
    baseline: true,
    bytes: () => readFileSync(path).length,
    run: async () => {
      const wav = new wavefile.WaveFile(await readFile(path));
      return wav.fmt.sampleRate === 8000 && wav.fmt.numChannels === 1;
    },
  },
  {
    name: 'inspectWav(path) + checkPlayable',
    bytes: async () => (await inspectWav(path)).bytesRead,
    run: async () => checkPlayable(await inspectWav(path)).ok,
  },
];

const samples = cases.map(() => []);
for (let round = 0; round < ROUNDS; round++) {
  for (const [i, item] of cases.entries()) {
    const started = performance.now();
    for (let n = 0; n < PER_ROUND; n++) {
      if (!(await item.run())) throw new Error(`${item.name}: not playable`);
    }
    samples[i].push((performance.now() - started) / PER_ROUND);
  }
}
const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
const baseMs = median(samples[0]);
const rows = [];
for (const [i, item] of cases.entries()) {
  const ms = median(samples[i]);
  const goal = item.baseline ? '' : '≥ 10×';
  const met = item.baseline ? '' : baseMs / ms >= 10 ? 'yes' : 'NO';
  rows.push(
    `| ${item.name}${item.baseline ? ' (baseline)' : ''} | ${(await item.bytes()).toLocaleString('en-US')} | ${ms.toFixed(3)} | ${(baseMs / ms).toFixed(1)} | ${goal} | ${met} |`,
  );
}
rmSync(dir, { recursive: true, force: true });
console.log(
  [
    `### inspectWav: verdict on a 5 MiB WAV file (${ROUNDS} rounds × ${PER_ROUND}, medians)`,
    '',
    '| case | bytes read | ms/file | × baseline | goal | met |',
    '| --- | ---: | ---: | ---: | --- | --- |',
    ...rows,
    '',
  ].join('\n'),
);

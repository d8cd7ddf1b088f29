// inspectWav on a 5 MiB prompt file against the usual alternative, reading the whole file and
// parsing it with wavefile, in the same run. inspectWav reads only the header region.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkPlayable, inspectWav } from '@siphook/wav';
import wavefile from 'wavefile';

const FIVE_MIB = 5 * 1024 * 1024;
const ROUNDS = 7;
const PER_ROUND = 40;

const file = Buffer.alloc(44 + FIVE_MIB);
file.write('RIFF', 0, 'latin1');
file.writeUInt32LE(36 + FIVE_MIB, 4);
file.write('WAVEfmt ', 8, 'latin1');
file.writeUInt32LE(16, 16);
file.writeUInt16LE(1, 20);
file.writeUInt16LE(1, 22);
file.writeUInt32LE(8000, 24);
file.writeUInt32LE(16000, 28);
file.writeUInt16LE(2, 32);
file.writeUInt16LE(16, 34);
file.write('data', 36, 'latin1');
file.writeUInt32LE(FIVE_MIB, 40);
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

// Shared harness: measure cases against a baseline in the same process, interleaved over several
// rounds so that a noisy, shared machine slows both sides alike, then report ratios.
import { loadavg } from 'node:os';
import { do_not_optimize, measure } from 'mitata';

/**
 * @param {string} title
 * @param {{ name: string, fn: () => unknown }} baseline
 * @param {{ name: string, fn: () => unknown, goal?: number, goalText?: string }[]} cases
 * @param {{ rounds?: number, minCpuTime?: number }} [options]
 */
export async function compareOps(title, baseline, cases, options = {}) {
  const rounds = options.rounds ?? 5;
  const minCpuTime = (options.minCpuTime ?? 150) * 1e6;
  const all = [baseline, ...cases];
  const samples = all.map(() => []);
  for (let round = 0; round < rounds; round++) {
    for (const [i, item] of all.entries()) {
      const stats = await measure(() => do_not_optimize(item.fn()), { min_cpu_time: minCpuTime });
      samples[i].push(stats.avg);
    }
  }
  const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
  const ns = samples.map(median);
  const rows = all.map((item, i) => {
    const ratio = ns[0] / ns[i];
    const goal = i === 0 ? undefined : item.goal;
    return {
      name: item.name,
      opsPerSec: 1e9 / ns[i],
      nsPerOp: ns[i],
      ratio,
      goal: goal === undefined ? '' : (item.goalText ?? `≥ ${goal}×`),
      pass: goal === undefined ? '' : ratio >= goal ? 'yes' : 'NO',
    };
  });
  printTable(title, rows);
  return rows;
}

/** Prints rows as a Markdown table, with a header naming the baseline. */
export function printTable(title, rows) {
  const lines = [
    `### ${title}`,
    '',
    '| case | ops/s | ns/op | × baseline | goal | met |',
    '| --- | ---: | ---: | ---: | --- | --- |',
    ...rows.map(
      (row, i) =>
        `| ${row.name}${i === 0 ? ' (baseline)' : ''} | ${Math.round(row.opsPerSec).toLocaleString('en-US')} | ${row.nsPerOp.toFixed(0)} | ${row.ratio.toFixed(2)} | ${row.goal} | ${row.pass} |`,
    ),
    '',
  ];
  console.log(lines.join('\n'));
}

/** The load average line every benchmark prints under its table: the machine is shared. */
export function loadAverageLine() {
  const [one, five, fifteen] = loadavg().map((value) => value.toFixed(1));
  return `Load average at the end (1 / 5 / 15 min): ${one} / ${five} / ${fifteen}.`;
}

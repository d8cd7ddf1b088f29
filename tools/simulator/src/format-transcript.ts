import type { CallReport, RunReport, Step } from './call-report.js';

const MARKERS: Record<Step['kind'], string> = {
  push: '→',
  answer: '←',
  action: '▶',
  check: '✓',
  note: '·',
  end: '■',
};

/**
 * Control characters other than tab and newline, as a server could put them into an answer body:
 * printed raw they would drive the terminal (escape sequences), so they are shown as `\x1b`.
 */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** Makes text from the server safe to print on a terminal. */
function visible(text: string): string {
  return text.replace(CONTROL, (char) => `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** Width of the timestamp column: `[  123 ms]`. */
const INDENT = ' '.repeat(13);

/**
 * One transcript line (and its indented detail lines), as the CLI prints while the call runs:
 * a timestamp relative to the call's start, a marker (→ push, ← answer, ▶ action, ✓/✗ check,
 * · note, ■ end) and the text.
 *
 * @example
 * formatStep({ kind: 'check', at: 12, text: 'newCall: status: 200', check }) // '[   12 ms] ✓ newCall: status: 200\n'
 */
export function formatStep(step: Step): string {
  const marker = step.kind === 'check' && step.check && !step.check.ok ? '✗' : MARKERS[step.kind];
  const time = `[${String(step.at).padStart(5)} ms]`;
  let out = `${time} ${marker} ${visible(step.text)}\n`;
  if (step.detail) {
    for (const line of step.detail.split('\n')) out += `${INDENT}${visible(line)}\n`;
  }
  return out;
}

/** The header line of a call in the transcript. */
export function formatCallHeader(report: Pick<CallReport, 'name' | 'callId' | 'target'>): string {
  return `=== ${visible(report.name)} → ${report.target}\n`;
}

/** The closing line of a call: its outcome and its check counts. */
export function formatCallSummary(report: CallReport): string {
  const failed = report.checks.filter((check) => !check.ok).length;
  const cause = report.outcome.cause ? ` (${report.outcome.cause})` : '';
  const outcome = report.kind === 'call' ? `; outcome ${report.outcome.kind}${cause}` : '';
  const verdict = report.connectionError
    ? `✗ not reachable: ${report.connectionError.message}`
    : failed === 0
      ? '✓ passed'
      : '✗ failed';
  return visible(
    `--- ${report.name}: ${verdict}; ${report.checks.length} checks, ${failed} failed${outcome}\n`,
  );
}

/** A whole call, as one block of text (what the CLI prints, line by line, as it runs). */
export function formatCallTranscript(report: CallReport): string {
  return (
    formatCallHeader(report) + report.steps.map(formatStep).join('') + formatCallSummary(report)
  );
}

/** The final lines of a run: totals, then each failed check by name and fault code. */
export function formatRunSummary(report: RunReport): string {
  const { checks, passed, failed } = report.totals;
  const sections = [...report.calls, ...(report.probes ? [report.probes] : [])];
  let out = `\n${report.ok ? '✓' : '✗'} ${report.calls.length} call(s)${report.probes ? ' and probes' : ''}: ${checks} checks, ${passed} passed, ${failed} failed\n`;
  for (const section of sections) {
    for (const check of section.checks) {
      if (!check.ok)
        out += `  ✗ ${section.name} › ${check.name} [${check.code}]: ${check.message}\n`;
    }
  }
  if (report.connectionError) out += `  ✗ ${report.connectionError.message}\n`;
  return visible(out);
}

/** The full transcript of a run: every call, the probes, and the summary. */
export function formatRunTranscript(report: RunReport): string {
  const sections = [...report.calls, ...(report.probes ? [report.probes] : [])];
  return sections.map(formatCallTranscript).join('\n') + formatRunSummary(report);
}

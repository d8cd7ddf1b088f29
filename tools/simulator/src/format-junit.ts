import { escapeXml } from '@siphook/xml';
import type { CallReport, RunReport } from './call-report.js';

/**
 * Renders a run as JUnit XML for CI: one `<testsuite>` per call (and one for the probes), one
 * `<testcase>` per check. A failed check is a `<failure>` whose `type` is the fault code; a
 * target that could not be reached is an `<error>`. Every value is escaped.
 *
 * @example
 * await writeFile('report.xml', formatJunit(report));
 */
export function formatJunit(report: RunReport): string {
  const sections = [...report.calls, ...(report.probes ? [report.probes] : [])];
  const counts = sections.map(countSection);
  const sum = (key: 'tests' | 'failures' | 'errors') =>
    counts.reduce((total, count) => total + count[key], 0);
  const time = sections.reduce((total, section) => total + section.durationMs, 0);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="siphook simulate" tests="${sum('tests')}" failures="${sum('failures')}" errors="${sum('errors')}" time="${seconds(time)}">`,
  ];
  sections.forEach((section, index) => {
    const count = counts[index] as SectionCount;
    lines.push(
      `  <testsuite name="${junitText(section.name)}" tests="${count.tests}" failures="${count.failures}" errors="${count.errors}" skipped="0" time="${seconds(section.durationMs)}" timestamp="${junitText(section.startedAt.replace(/\.\d+Z$/, ''))}">`,
      '    <properties>',
      `      <property name="target" value="${junitText(section.target)}"/>`,
      `      <property name="callId" value="${junitText(section.callId)}"/>`,
      `      <property name="outcome" value="${junitText(section.outcome.kind + (section.outcome.cause ? ` (${section.outcome.cause})` : ''))}"/>`,
      '    </properties>',
    );
    const classname = junitText(`siphook.simulate.${section.name}`);
    let previous = 0;
    for (const check of section.checks) {
      const head = `    <testcase name="${junitText(check.name)}" classname="${classname}" time="${seconds(check.at - previous)}"`;
      previous = check.at;
      if (check.ok) {
        lines.push(`${head}/>`);
        continue;
      }
      const element = isError(section, check.code) ? 'error' : 'failure';
      const detail = section.steps.find((step) => step.check === check)?.detail;
      const body = junitText(detail ? `${check.message}\n${detail}` : check.message);
      lines.push(
        `${head}>`,
        `      <${element} message="${junitText(check.message)}" type="${junitText(check.code)}">${body}</${element}>`,
        '    </testcase>',
      );
    }
    lines.push('  </testsuite>');
  });
  lines.push('</testsuites>', '');
  return lines.join('\n');
}

interface SectionCount {
  tests: number;
  failures: number;
  errors: number;
}

function countSection(section: CallReport): SectionCount {
  let failures = 0;
  let errors = 0;
  for (const check of section.checks) {
    if (check.ok) continue;
    if (isError(section, check.code)) errors += 1;
    else failures += 1;
  }
  return { tests: section.checks.length, failures, errors };
}

/** An unreachable target is an error of the run, not a failure of the server under test. */
function isError(section: CallReport, code: string): boolean {
  return code === 'CONNECTION' && section.connectionError !== undefined;
}

function seconds(ms: number): string {
  return (Math.max(0, ms) / 1000).toFixed(3);
}

/** Text for a JUnit attribute or element: what XML 1.0 cannot carry becomes U+FFFD. */
function junitText(text: string): string {
  return escapeXml(text, { invalid: 'replace' });
}

import type { CallReport, RunReport } from './call-report.js';
import { type ProbeOptions, probeServer } from './probe-server.js';
import type { Scenario, ScenarioInput } from './scenario.js';
import { simulateCall } from './simulate-call.js';

/** Options for a whole run: the simulator's, plus whether to probe. */
export interface RunOptions extends ProbeOptions {
  /** After the calls, send the probes of {@link probeServer}. */
  probe?: boolean;
  /** Called with each call's report (and the probes') as soon as it is complete. */
  onReport?: (report: CallReport) => void;
}

/**
 * Runs several simulated calls one after another (a scenario file), then the probes when asked,
 * and totals the checks. Stops early when the target cannot be reached at all.
 *
 * @example
 * const report = await runSimulation(url, await loadScenarioFile('calls.yaml'), { probe: true });
 * report.ok // true when every check of every call and probe passed
 */
export async function runSimulation(
  target: string,
  scenarios: (ScenarioInput | Scenario)[],
  options: RunOptions = {},
): Promise<RunReport> {
  const calls: CallReport[] = [];
  let connectionError: RunReport['connectionError'];
  for (const scenario of scenarios.length > 0 ? scenarios : [{}]) {
    const report = await simulateCall(target, scenario, options);
    calls.push(report);
    options.onReport?.(report);
    if (report.connectionError) {
      connectionError = report.connectionError;
      break;
    }
  }
  let probes: CallReport | undefined;
  if (options.probe && connectionError === undefined) {
    probes = await probeServer(target, options);
    options.onReport?.(probes);
    connectionError = probes.connectionError;
  }
  const sections = probes ? [...calls, probes] : calls;
  const checks = sections.flatMap((section) => section.checks);
  const passed = checks.filter((check) => check.ok).length;
  const report: RunReport = {
    target: calls[0]?.target ?? target,
    ok: connectionError === undefined && passed === checks.length,
    calls,
    totals: { checks: checks.length, passed, failed: checks.length - passed },
  };
  if (probes) report.probes = probes;
  if (connectionError) report.connectionError = connectionError;
  return report;
}

import type { ErrorCode } from '@siphook/schema';
/** One pass/fail decision, as the transcript, the JSON report and JUnit show it. */
export interface Check {
  /** Unique within its call, e.g. `newCall: Content-Type`. One JUnit test case per check. */
  name: string;
  /** Stable fault name, e.g. `CONTENT_TYPE`, `XML_INVALID`, `PLAY_AUDIO`, `DEADLINE`. */
  code: ErrorCode;
  ok: boolean;
  /** What was checked, expected and received. */
  message: string;
  /** Milliseconds since the call started. */
  at: number;
}

/** What a transcript line is about. */
export type StepKind = 'push' | 'answer' | 'action' | 'check' | 'note' | 'end';

/** One transcript line, with structured data for JSON readers. */
export interface Step {
  kind: StepKind;
  /** Milliseconds since the call started. */
  at: number;
  /** The line itself, without timestamp and marker. */
  text: string;
  /** Extra lines shown indented below (a body, XML problems). */
  detail?: string;
  /** Set on `check` steps. */
  check?: Check;
}

/** How the simulated call ended. */
export interface CallOutcome {
  /**
   * `dialed` (Dial), `rejected` (Reject), `hungUp` (Hangup), `continues` (out of actions or an
   * unusable answer: the account's defaults take over), `failed` (the target was unreachable;
   * also the probes' value, which place no call).
   */
  kind: 'dialed' | 'rejected' | 'hungUp' | 'continues' | 'failed';
  /** The hangup cause the call ended with (also sent to onHangup when set). */
  cause?: string;
}

/** Everything one simulated call did and found. */
export interface CallReport {
  /** `call` for a simulated call, `probes` for the probe run of {@link probeServer}. */
  kind: 'call' | 'probes';
  /** The scenario's name, or `call`; `probes` for the probes. */
  name: string;
  target: string;
  callId: string;
  /** ISO time the call started. */
  startedAt: string;
  durationMs: number;
  /** True when every check passed and the target could be reached. */
  ok: boolean;
  steps: Step[];
  checks: Check[];
  outcome: CallOutcome;
  /** Numbers (or `voicemail`) the server dialled. */
  dialed: string[];
  /** Play URLs carried out, with their duration when the WAV could be read. */
  plays: { url: string; seconds?: number }[];
  /** Total seconds of audio played. */
  audioSeconds: number;
  /** Digits sent for each Gather carried out. */
  gathers: string[];
  /** Set when the target could not be reached at all (exit status 2 in the CLI). */
  connectionError?: { code: string; message: string };
}

/** Several calls (a scenario file) and the optional probes. */
export interface RunReport {
  target: string;
  ok: boolean;
  calls: CallReport[];
  probes?: CallReport;
  /** Checks over all calls and probes. */
  totals: { checks: number; passed: number; failed: number };
  /** Set when any call or probe could not reach the target. */
  connectionError?: { code: string; message: string };
}

/** Records steps and checks with timestamps relative to the start, and reports each as it happens. */
export class CallRecorder {
  readonly steps: Step[] = [];
  readonly checks: Check[] = [];
  readonly startedAt = new Date();
  private readonly started = performance.now();
  private readonly names = new Map<string, number>();

  constructor(private readonly onStep?: (step: Step) => void) {}

  /** Milliseconds since the call started. */
  now(): number {
    return Math.round(performance.now() - this.started);
  }

  /** Adds a transcript line. */
  step(kind: Exclude<StepKind, 'check'>, text: string, detail?: string): void {
    const step: Step = { kind, at: this.now(), text };
    if (detail !== undefined && detail !== '') step.detail = detail;
    this.add(step);
  }

  /** Adds a check; a repeated name gets ` (2)`, ` (3)`… so JUnit case names stay unique. */
  check(name: string, code: ErrorCode, ok: boolean, message: string, detail?: string): boolean {
    const seen = (this.names.get(name) ?? 0) + 1;
    this.names.set(name, seen);
    const unique = seen === 1 ? name : `${name} (${seen})`;
    const check: Check = { name: unique, code, ok, message, at: this.now() };
    this.checks.push(check);
    const step: Step = { kind: 'check', at: check.at, text: `${unique}: ${message}`, check };
    if (detail !== undefined && detail !== '') step.detail = detail;
    this.add(step);
    return ok;
  }

  private add(step: Step): void {
    this.steps.push(step);
    this.onStep?.(step);
  }
}

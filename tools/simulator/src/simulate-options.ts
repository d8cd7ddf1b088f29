import type { KeyObject } from 'node:crypto';
import {
  type BasicAuthCredentials,
  basicAuthIssues,
  SiphookError,
  summarizeIssues,
} from '@siphook/schema';
import type { Step } from './call-report.js';

/** sipgate.io waits about 10 seconds for an answer (NOTES.md); the simulator does the same. */
export const DEFAULT_TIMEOUT_MS = 10_000;
/** Response bytes read from a push answer; larger answers are a failed check. */
export const DEFAULT_MAX_BODY_BYTES = 65_536;
/** Actions and pushes per call before the loop guard ends it. */
export const DEFAULT_MAX_STEPS = 50;
/** The whole of one simulated call, pushes and Play checks together, in ms. */
export const DEFAULT_CALL_TIMEOUT_MS = 60_000;

/** How to run a simulated call. Every field is optional. */
export interface SimulateOptions {
  /** Deadline for each push's answer, in ms; default {@link DEFAULT_TIMEOUT_MS} (10 s). */
  timeoutMs?: number;
  /** Bytes read at most from an answer; default {@link DEFAULT_MAX_BODY_BYTES}. */
  maxBodyBytes?: number;
  /** Sign every push (`X-Sipgate-Signature`) with this RSA private key (PEM or KeyObject). */
  signKey?: string | KeyObject;
  /** Basic-auth credentials for the target (and callback URLs on the same origin). */
  basicAuth?: BasicAuthCredentials;
  /** Actions and pushes per call before the loop guard stops it; default 50. */
  maxSteps?: number;
  /** Fetch and check every Play URL with @siphook/wav; default true. */
  checkAudio?: boolean;
  /** Bytes read from a Play URL to find its format and duration; default 65536. */
  audioMaxBytes?: number;
  /** Deadline for fetching a Play URL's head, in ms; default 5000. */
  audioTimeoutMs?: number;
  /**
   * Time limit of the whole call, in ms; default {@link DEFAULT_CALL_TIMEOUT_MS} (60 s). When it
   * is spent, the `CALL_TIMEOUT` check fails and the simulated caller hangs up.
   */
  callTimeoutMs?: number;
  /** Called with each transcript line as it happens (the CLI prints them live). */
  onStep?: (step: Step, call: { name: string; callId: string; target: string }) => void;
}

/** Options with defaults filled in and limits checked. */
export interface ResolvedOptions
  extends Required<Omit<SimulateOptions, 'signKey' | 'basicAuth' | 'onStep'>> {
  signKey?: KeyObject;
  basicAuth?: BasicAuthCredentials;
  onStep?: SimulateOptions['onStep'];
}

/**
 * Fills in defaults and rejects limits that make no sense.
 *
 * @throws {SiphookError} `OPTIONS_INVALID` naming the option, the allowed range and the value.
 */
export function resolveNumbers(options: SimulateOptions): Omit<ResolvedOptions, 'signKey'> {
  const resolved = {
    timeoutMs: bounded('timeoutMs', options.timeoutMs, DEFAULT_TIMEOUT_MS, 1, 600_000),
    maxBodyBytes: bounded(
      'maxBodyBytes',
      options.maxBodyBytes,
      DEFAULT_MAX_BODY_BYTES,
      1,
      16_777_216,
    ),
    maxSteps: bounded('maxSteps', options.maxSteps, DEFAULT_MAX_STEPS, 1, 10_000),
    checkAudio: options.checkAudio ?? true,
    audioMaxBytes: bounded('audioMaxBytes', options.audioMaxBytes, 65_536, 44, 16_777_216),
    audioTimeoutMs: bounded('audioTimeoutMs', options.audioTimeoutMs, 5_000, 1, 600_000),
    callTimeoutMs: bounded(
      'callTimeoutMs',
      options.callTimeoutMs,
      DEFAULT_CALL_TIMEOUT_MS,
      1,
      3_600_000,
    ),
    basicAuth: checkedBasicAuth(options.basicAuth),
    onStep: options.onStep,
  };
  return resolved;
}

/** Credentials as the server takes them (`BasicAuthCredentialsSchema`), so `user:` is refused. */
function checkedBasicAuth(
  credentials: BasicAuthCredentials | undefined,
): BasicAuthCredentials | undefined {
  if (credentials === undefined) return undefined;
  const issues = basicAuthIssues(credentials, 'basicAuth');
  if (issues.length === 0) return credentials;
  throw new SiphookError('OPTIONS_INVALID', summarizeIssues('basicAuth is invalid:', issues), {
    issues,
  });
}

function bounded(
  name: string,
  value: number | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new SiphookError(
      'OPTIONS_INVALID',
      `${name}: expected an integer from ${min} to ${max}; received ${JSON.stringify(value)}`,
      { option: name },
    );
  }
  return value;
}

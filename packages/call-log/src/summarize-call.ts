import type { Response } from '@siphook/schema';
import { checkResponse } from '@siphook/xml';
import type {
  CallDetail,
  CallLogOutcome,
  CallProblem,
  CallSummary,
  CallView,
  PushRecord,
} from './call-record.js';

/** sipgate.io waits about this long for an answer before the call goes on without one. */
export const ANSWER_DEADLINE_MS = 10_000;

/** What a summary reads of a push: neither its headers nor where it came from. */
export type SummarizedPush = Pick<
  PushRecord,
  | 'id'
  | 'callId'
  | 'receivedAt'
  | 'event'
  | 'status'
  | 'contentType'
  | 'answer'
  | 'durationMs'
  | 'decoded'
  | 'decodeError'
>;

/** What one push says about its call: its problems, the answer's actions and its outcome. */
export interface PushAnalysis {
  problems: CallProblem[];
  /** The validated answer of a newCall or dtmf push; null for others and for unusable answers. */
  response: Response | null;
  /** What this push alone makes of the call. */
  outcome: CallLogOutcome;
}

/** Worst first: a call's outcome is the highest of its pushes'. */
const OUTCOME_RANK: Record<CallLogOutcome, number> = {
  ongoing: 0,
  hungUp: 1,
  answered: 2,
  dialed: 3,
  rejected: 4,
  error: 5,
};

const XML_TYPE = /^\s*(?:application|text)\/xml\s*(?:;|$)/i;
// A server answers the same few documents again and again: check each one once.
const checked = new Map<string, ReturnType<typeof checkResponse>>();
const MAX_CHECKED = 256;

/**
 * Reads one push and its answer: an error status, a missing or late answer, a wrong Content-Type
 * or invalid XML is an error; a body that did not decode but was answered 2xx is a warning.
 *
 * @example
 * analyzePush(record).outcome // 'dialed' when the answer holds a <Dial>
 */
export function analyzePush(push: SummarizedPush): PushAnalysis {
  const problems: CallProblem[] = [];
  const add = (severity: CallProblem['severity'], code: string, message: string): void => {
    problems.push({ severity, code, message, pushId: push.id });
  };
  let response: Response | null = null;
  const steering = push.event === 'newCall' || push.event === 'dtmf';
  if (push.status >= 400 || push.status < 200) {
    const error = errorOf(push.answer);
    add(
      'error',
      error?.code ?? 'STATUS',
      `answered ${push.status}${error === undefined ? '' : `: ${error.message}`}`,
    );
  } else if (steering) {
    if (push.contentType === null || !XML_TYPE.test(push.contentType)) {
      add(
        'error',
        'CONTENT_TYPE',
        `Content-Type: expected application/xml or text/xml; received ${push.contentType ?? 'nothing'}`,
      );
    }
    const result = checkCached(push.answer);
    if (result.valid) response = result.response;
    else {
      const first = result.problems[0];
      add(
        'error',
        'XML_INVALID',
        `answer is not a valid <Response>: ${result.problems.length} problem(s)${first === undefined ? '' : `, first ${first.code}: ${first.message}`}`,
      );
    }
  }
  if (push.durationMs > ANSWER_DEADLINE_MS) {
    add(
      'error',
      'DEADLINE',
      `answered in ${Math.round(push.durationMs)} ms; sipgate.io waits about ${ANSWER_DEADLINE_MS} ms`,
    );
  }
  // Fields of an unexpected shape are kept by the decoder, as sipgate.io may send them: warnings.
  const warnings = push.decoded?.['warnings'];
  if (Array.isArray(warnings)) {
    for (const warning of warnings as { code?: unknown; message?: unknown }[]) {
      add('warning', String(warning.code ?? 'FIELD_INVALID'), String(warning.message ?? ''));
    }
  }
  if (push.decodeError !== null && push.status < 400) {
    add('warning', push.decodeError.code, `answered although ${push.decodeError.message}`);
  }
  return { problems, response, outcome: outcomeOf(push, problems, response) };
}

function outcomeOf(
  push: SummarizedPush,
  problems: CallProblem[],
  response: Response | null,
): CallLogOutcome {
  if (problems.some((problem) => problem.severity === 'error')) return 'error';
  let outcome: CallLogOutcome = 'ongoing';
  const raise = (next: CallLogOutcome): void => {
    if (OUTCOME_RANK[next] > OUTCOME_RANK[outcome]) outcome = next;
  };
  for (const action of response?.actions ?? []) {
    if (action.action === 'Reject') raise('rejected');
    else if (action.action === 'Dial') raise('dialed');
    else if (action.action === 'Hangup') raise('hungUp');
  }
  if (push.event === 'answer') raise('answered');
  else if (push.event === 'hangup') raise('hungUp');
  return outcome;
}

function checkCached(xml: string): ReturnType<typeof checkResponse> {
  let result = checked.get(xml);
  if (result === undefined) {
    result = checkResponse(xml);
    if (checked.size >= MAX_CHECKED) checked.clear();
    checked.set(xml, result);
  }
  return result;
}

/** The `{ error: { code, message } }` of an error answer, if that is what the body holds. */
function errorOf(body: string): { code: string; message: string } | undefined {
  if (!body.startsWith('{')) return undefined;
  try {
    const error = (JSON.parse(body) as { error?: { code?: unknown; message?: unknown } }).error;
    if (typeof error?.code === 'string' && typeof error.message === 'string') {
      return { code: error.code, message: error.message };
    }
  } catch {
    // Not JSON: the status alone is reported.
  }
  return undefined;
}

/**
 * Folds one more push into a call's summary (or starts one). Pushes may come in any order; the
 * result is the same as {@link summarizeCall} over all of them.
 */
export function addToSummary(
  summary: CallSummary | undefined,
  push: SummarizedPush,
  analysis: PushAnalysis = analyzePush(push),
): CallSummary {
  const decoded = push.decoded ?? {};
  const next: CallSummary = summary
    ? { ...summary }
    : {
        callId: push.callId ?? '',
        startedAt: push.receivedAt,
        endedAt: push.receivedAt,
        from: null,
        to: null,
        direction: null,
        outcome: 'ongoing',
        hangupCause: null,
        durationMs: 0,
        pushes: 0,
        worstProblem: null,
      };
  next.startedAt = Math.min(next.startedAt, push.receivedAt);
  next.endedAt = Math.max(next.endedAt, push.receivedAt);
  next.durationMs = next.endedAt - next.startedAt;
  next.pushes += 1;
  // The newCall push names the parties; answer and hangup pushes may repeat them.
  const isNewCall = push.event === 'newCall';
  if (typeof decoded['from'] === 'string' && (isNewCall || next.from === null)) {
    next.from = decoded['from'];
  }
  if (typeof decoded['to'] === 'string' && (isNewCall || next.to === null)) next.to = decoded['to'];
  const direction = decoded['direction'];
  if ((direction === 'in' || direction === 'out') && (isNewCall || next.direction === null)) {
    next.direction = direction;
  }
  if (push.event === 'hangup' && typeof decoded['cause'] === 'string') {
    next.hangupCause = decoded['cause'];
  }
  if (OUTCOME_RANK[analysis.outcome] > OUTCOME_RANK[next.outcome]) next.outcome = analysis.outcome;
  next.worstProblem = worse(next.worstProblem, analysis.problems);
  return next;
}

/** The first error, else the first warning; an earlier push's problem wins a tie. */
function worse(current: CallProblem | null, found: CallProblem[]): CallProblem | null {
  const candidate = found.find((problem) => problem.severity === 'error') ?? found[0];
  if (candidate === undefined) return current;
  if (current === null) return candidate;
  if (current.severity === 'warning' && candidate.severity === 'error') return candidate;
  if (current.severity === candidate.severity && (candidate.pushId ?? 0) < (current.pushId ?? 0)) {
    return candidate;
  }
  return current;
}

/**
 * The summary of a call from all of its pushes.
 *
 * @example
 * summarizeCall(detail.pushes).outcome // 'dialed'
 */
export function summarizeCall(pushes: readonly SummarizedPush[]): CallSummary | undefined {
  let summary: CallSummary | undefined;
  for (const push of pushes) summary = addToSummary(summary, push);
  return summary;
}

/**
 * A call as the inspector shows it: each push with its problems and its answer read as a model,
 * and the Play URLs of all answers (Gather prompts included), each once, in order.
 */
export function inspectCall(detail: CallDetail): CallView {
  const plays: string[] = [];
  const pushes = detail.pushes.map((push) => {
    const { problems, response } = analyzePush(push);
    for (const action of response?.actions ?? []) {
      const url =
        action.action === 'Play'
          ? action.url
          : action.action === 'Gather'
            ? action.play?.url
            : undefined;
      if (url !== undefined && !plays.includes(url)) plays.push(url);
    }
    return { ...push, problems, response };
  });
  return { call: detail.call, pushes, plays };
}

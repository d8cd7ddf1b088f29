import { randomBytes } from 'node:crypto';
import {
  type Action,
  type DialAction,
  encodeEvent,
  type GatherAction,
  type Response,
  type WebhookEventInput,
} from '@siphook/schema';
import { type CheckUrlResult, checkUrl } from '@siphook/wav';
import { checkResponse } from '@siphook/xml';
import { type CallOutcome, CallRecorder, type CallReport } from './call-report.js';
import { playUrlsOf } from './play-urls.js';
import { createPushClient, type PushClient, type PushResult } from './push-client.js';
import { parseScenario, type Scenario, type ScenarioInput } from './scenario.js';
import { loadPrivateKey } from './sign-body.js';
import { type ResolvedOptions, resolveNumbers, type SimulateOptions } from './simulate-options.js';
import { type PushTarget, sameOrigin, toPushTarget } from './target-url.js';

/** XML answers: `application/xml` or `text/xml`, with or without parameters (NOTES.md). */
const XML_CONTENT_TYPE = /^\s*(?:application|text)\/xml\s*(?:;|$)/i;
/** The transcript shows at most this much of an answer body. */
const MAX_SHOWN_BODY = 2000;
/** Play URLs of one answer are fetched this many at a time (a player fetches ahead, too). */
const PLAY_CHECKS_AT_ONCE = 4;

/** A Play check may run this much past the call's limit, so that the limit is seen first. */
const LIMIT_GRACE_MS = 100;
/** Thrown inside a call when its time limit is spent; caught once, in `run()`. */
const CALL_TIME_SPENT = Symbol('call time spent');

/** Hangup cause for each Reject reason. */
export const REJECT_CAUSES = {
  /** The contract: "busy — the called party was busy". */
  busy: 'busy',
  /** The contract: "noAnswer — the called party rejected the call (e.g. through a DND setting)". */
  rejected: 'noAnswer',
} as const;

/**
 * Plays sipgate.io's side of one call against `target`: newCall, then the answer's actions in
 * order (Play fetched and checked, Gather answered with the scripted digits, Dial answered or not
 * as scripted, Reject, Hangup), then hangup to onHangup. Every push is checked (status 200,
 * `application/xml` or `text/xml`, within the deadline, valid XML with line:col problems), and the
 * scenario's expectations are checked at the end. Never throws for a misbehaving server: that is
 * what the report is for.
 *
 * @throws {SiphookError} only for bad input: `SCENARIO_INVALID`, `TARGET_INVALID`,
 *   `OPTIONS_INVALID`, `SIGN_KEY_INVALID`.
 * @example
 * const report = await simulateCall('http://127.0.0.1:3000/', { dtmf: ['1'] });
 * report.ok; report.outcome; // true, { kind: 'dialed', cause: 'normalClearing' }
 */
export async function simulateCall(
  target: string,
  scenario: ScenarioInput | Scenario = {},
  options: SimulateOptions = {},
): Promise<CallReport> {
  const script = parseScenario(scenario);
  const settings: ResolvedOptions = {
    ...resolveNumbers(options),
    signKey: options.signKey === undefined ? undefined : loadPrivateKey(options.signKey),
  };
  const pushTarget = toPushTarget(target, settings.basicAuth);
  const callId = script.callId ?? randomBytes(12).toString('hex');
  const name = script.name ?? 'call';
  const recorder = new CallRecorder(
    settings.onStep
      ? (step) => settings.onStep?.(step, { name, callId, target: pushTarget.url })
      : undefined,
  );
  const client = createPushClient({
    timeoutMs: settings.timeoutMs,
    maxBodyBytes: settings.maxBodyBytes,
  });
  const call = new SimulatedCall(script, callId, target, pushTarget, settings, recorder, client);
  try {
    await call.run();
  } finally {
    await client.close();
  }
  const report: CallReport = {
    kind: 'call',
    name,
    target: pushTarget.url,
    callId,
    startedAt: recorder.startedAt.toISOString(),
    durationMs: recorder.now(),
    ok: call.connectionError === undefined && recorder.checks.every((check) => check.ok),
    steps: recorder.steps,
    checks: recorder.checks,
    outcome: call.outcome,
    dialed: call.dialed,
    plays: call.plays,
    audioSeconds:
      Math.round(call.plays.reduce((sum, play) => sum + (play.seconds ?? 0), 0) * 1000) / 1000,
    gathers: call.gathers,
  };
  if (call.connectionError) report.connectionError = call.connectionError;
  return report;
}

/** The state of one call in progress; lives only inside {@link simulateCall}. */
class SimulatedCall {
  outcome: CallOutcome = { kind: 'failed' };
  readonly dialed: string[] = [];
  readonly plays: { url: string; seconds?: number }[] = [];
  readonly gathers: string[] = [];
  connectionError?: { code: string; message: string };
  private onAnswer?: string;
  private onHangup?: string;
  private answeringNumber?: string;
  private rejectReason?: 'busy' | 'rejected';
  private stepCount = 0;
  private pushCount = 0;
  /** Aborts when the call's time limit is spent. */
  private readonly deadline = new AbortController();
  private readonly deadlineAt: number;
  /** Play checks of the current answer by URL, started ahead of the actions that play them. */
  private audioChecks = new Map<string, Promise<CheckUrlResult>>();
  private readonly limitAudioChecks = createLimiter(PLAY_CHECKS_AT_ONCE);

  constructor(
    private readonly script: Scenario,
    private readonly callId: string,
    private readonly targetText: string,
    private readonly target: PushTarget,
    private readonly settings: ResolvedOptions,
    private readonly recorder: CallRecorder,
    private readonly client: PushClient,
  ) {
    this.deadlineAt = performance.now() + settings.callTimeoutMs;
  }

  /**
   * Waits for `work` within the call's time limit: rejects with {@link CALL_TIME_SPENT} as soon
   * as the limit passes (or when `work` only settles after it), which ends the call wherever it is.
   */
  private within<T>(work: Promise<T>): Promise<T> {
    const { signal } = this.deadline;
    if (signal.aborted) {
      work.catch(() => {});
      return Promise.reject(CALL_TIME_SPENT);
    }
    return new Promise<T>((resolve, reject) => {
      const onAbort = (): void => reject(CALL_TIME_SPENT);
      signal.addEventListener('abort', onAbort, { once: true });
      work.then(
        (value) => {
          signal.removeEventListener('abort', onAbort);
          // A Play check cut short by the limit is no verdict on the prompt.
          if (performance.now() >= this.deadlineAt) reject(CALL_TIME_SPENT);
          else resolve(value);
        },
        (error: unknown) => {
          signal.removeEventListener('abort', onAbort);
          reject(error);
        },
      );
    });
  }

  /** Plays the call within its time limit; what is in flight at the limit is given up. */
  async run(): Promise<void> {
    const timer = setTimeout(() => this.deadline.abort(), this.settings.callTimeoutMs);
    try {
      await this.play();
    } catch (error) {
      if (error !== CALL_TIME_SPENT) throw error;
      this.recorder.check(
        'call time limit',
        'CALL_TIMEOUT',
        false,
        `expected the call to end within ${this.settings.callTimeoutMs} ms (--call-timeout); it was still going, so the simulated caller hangs up`,
      );
      if (this.outcome.cause === undefined) {
        this.end('hungUp', 'normalClearing', 'the caller hangs up: hangup cause normalClearing');
      }
      this.recorder.step('note', 'no hangup push: the time limit of the call is spent');
      this.checkExpectations();
    } finally {
      clearTimeout(timer);
    }
  }

  /** The call from newCall to hangup. */
  private async play(): Promise<void> {
    const { script } = this;
    this.recorder.step(
      'note',
      `call ${this.callId}: ${script.direction === 'in' ? 'incoming' : 'outgoing'} from ${script.from} to ${script.to}, user ${script.user.join(', ') || '(none)'}`,
    );
    const newCall: WebhookEventInput = {
      event: 'newCall',
      callId: this.callId,
      direction: script.direction,
      from: script.from,
      to: script.to,
      user: script.user,
      ...(script.diversion === undefined ? {} : { diversion: script.diversion }),
    };
    const first = await this.pushForXml('newCall', this.target, encodeEvent(newCall));
    if (first === 'unreachable') return;
    if (first === undefined) {
      this.continueUnderDefaults('the newCall answer cannot be used');
    } else {
      await this.carryOut(first);
    }
    await this.sendHangup();
    this.checkExpectations();
  }

  /** Runs actions in order; a Gather's dtmf answer replaces whatever followed it. */
  private async carryOut(first: Response): Promise<void> {
    this.takeCallbacks(first);
    this.startAudioChecks(reachedPlayUrls(first.actions));
    let queue: Action[] = [...first.actions];
    while (queue.length > 0) {
      if (!this.countStep()) return;
      const action = queue.shift() as Action;
      switch (action.action) {
        case 'Play':
          this.recorder.step('action', `Play ${action.url}`);
          await this.playUrl(action.url);
          break;
        case 'Gather': {
          const next = await this.gather(action);
          if (queue.length > 0) {
            this.recorder.step(
              'note',
              `${queue.length} action(s) after this Gather are not reached: its dtmf answer decides what happens next`,
            );
          }
          if (next === undefined) {
            this.continueUnderDefaults('the dtmf answer cannot be used');
            return;
          }
          this.takeCallbacks(next);
          this.startAudioChecks(reachedPlayUrls(next.actions));
          queue = [...next.actions];
          break;
        }
        case 'Dial':
          this.noteUnreached(queue, 'Dial');
          await this.dial(action);
          return;
        case 'Reject': {
          this.rejectReason = action.reason;
          const cause = REJECT_CAUSES[action.reason];
          this.recorder.step('action', `Reject reason=${action.reason}`);
          this.noteUnreached(queue, 'Reject');
          this.end('rejected', cause, `call rejected (${action.reason}): hangup cause ${cause}`);
          return;
        }
        case 'Hangup':
          this.recorder.step('action', 'Hangup');
          this.noteUnreached(queue, 'Hangup');
          this.end('hungUp', 'normalClearing', 'the server hangs up: hangup cause normalClearing');
          return;
      }
    }
    this.continueUnderDefaults('no more actions');
  }

  /** Actions after one that ends the call never run; the transcript says so. */
  private noteUnreached(queue: Action[], after: string): void {
    if (queue.length === 0) return;
    const names = queue.map((action) => action.action).join(', ');
    this.recorder.step('note', `not reached after ${after}: ${names}`);
  }

  /** Counts one action or push against the loop guard; false once the limit is passed. */
  private countStep(): boolean {
    this.stepCount += 1;
    if (this.stepCount <= this.settings.maxSteps) return true;
    this.recorder.check(
      'loop guard',
      'LOOP',
      false,
      `expected the call flow to end within ${this.settings.maxSteps} actions; it was still going (the simulated caller hangs up)`,
    );
    this.end('hungUp', 'normalClearing', 'the caller gives up: hangup cause normalClearing');
    return false;
  }

  private async playUrl(url: string): Promise<void> {
    if (!this.settings.checkAudio) {
      this.plays.push({ url });
      return;
    }
    const result = await this.within(this.audioCheck(url));
    const seconds = result.info?.durationSeconds;
    this.plays.push(seconds === undefined ? { url } : { url, seconds });
    this.recordAudioCheck(url, result, '');
  }

  /**
   * Starts the checks of the Play URLs an answer will play, a few at a time, so that twenty slow
   * prompts do not take twenty timeouts one after another. A later answer starts afresh.
   */
  private startAudioChecks(urls: readonly string[]): void {
    this.audioChecks = new Map();
    if (this.settings.checkAudio) for (const url of urls) void this.audioCheck(url);
  }

  /** The check of `url` for the current answer, started now if it is not under way. */
  private audioCheck(url: string): Promise<CheckUrlResult> {
    let check = this.audioChecks.get(url);
    if (check === undefined) {
      const headers: Record<string, string> = {};
      if (this.target.authorization && sameOrigin(url, this.target.url) && !hasCredentials(url)) {
        headers.authorization = this.target.authorization;
      }
      check = this.limitAudioChecks(() =>
        checkUrl(url, {
          maxBytes: this.settings.audioMaxBytes,
          // Not much past the call's own limit, so nothing is left running after the call.
          timeoutMs: Math.max(
            1,
            Math.min(
              this.settings.audioTimeoutMs,
              Math.ceil(this.deadlineAt - performance.now()) + LIMIT_GRACE_MS,
            ),
          ),
          headers,
        }),
      );
      // Started ahead of the action: a failure is seen when the action awaits it, not before.
      check.catch(() => {});
      this.audioChecks.set(url, check);
    }
    return check;
  }

  private recordAudioCheck(url: string, result: CheckUrlResult, prefix: string): void {
    const seconds = result.info?.durationSeconds;
    const format = result.info?.format;
    const problems = result.problems.map((problem) => `${problem.code}: ${problem.message}`);
    const message = result.ok
      ? `playable WAV${format ? ` (${format.sampleRate} Hz, ${format.channels} channel, ${format.bitsPerSample}-bit PCM)` : ''}${seconds === undefined ? '' : `, ${seconds.toFixed(2)} s`}`
      : `expected a mono 16-bit PCM WAV at 8000 Hz; ${problems[0] ?? 'not playable'}`;
    const detail = [
      ...problems.slice(1),
      ...result.warnings.map((warning) => `warning ${warning.code}: ${warning.message}`),
    ].join('\n');
    this.recorder.check(
      `Play ${shortUrl(url)}`,
      'PLAY_AUDIO',
      result.ok,
      `${prefix}${message}`,
      detail,
    );
  }

  /**
   * An invalid answer is not played, but its prompts may be just as broken: every Play URL the
   * document names is checked too, so that one run shows every fault.
   */
  private async checkPlaysOfInvalid(label: string, body: Uint8Array): Promise<void> {
    if (!this.settings.checkAudio) return;
    const urls = playUrlsOf(body);
    if (urls.length === 0) return;
    this.recorder.step(
      'note',
      `${label}: the answer is invalid; checking the ${urls.length} Play URL(s) it names anyway`,
    );
    this.startAudioChecks(urls);
    for (const url of urls) {
      const result = await this.within(this.audioCheck(url));
      this.recordAudioCheck(url, result, 'would not be played: the response is invalid; ');
    }
  }

  private async gather(action: GatherAction): Promise<Response | undefined> {
    const index = this.gathers.length;
    const scripted = this.script.dtmf[index] ?? '';
    const digits = scripted.slice(0, action.maxDigits);
    this.gathers.push(digits);
    this.recorder.step(
      'action',
      `Gather maxDigits=${action.maxDigits} timeout=${action.timeout} ms onData=${action.onData}`,
    );
    if (action.play) {
      this.recorder.step('action', `Play ${action.play.url} (inside Gather)`);
      await this.playUrl(action.play.url);
    }
    this.recorder.step(
      'note',
      digits === ''
        ? 'the caller enters nothing: dtmf is sent empty'
        : `the caller enters ${digits}${digits.length < scripted.length ? ` (scripted ${scripted}, cut to maxDigits)` : ''}`,
    );
    if (!this.countStep()) return undefined;
    const body = encodeEvent({ event: 'dtmf', callId: this.callId, dtmf: digits });
    const answer = await this.pushForXml(
      `dtmf ${index + 1}`,
      this.callbackTarget(action.onData),
      body,
    );
    return answer === 'unreachable' ? undefined : answer;
  }

  private async dial(action: DialAction): Promise<void> {
    const numbers = 'numbers' in action.target ? action.target.numbers : ['voicemail'];
    this.dialed.push(...numbers);
    const extras = [
      action.callerId === undefined ? '' : ` callerId=${action.callerId}`,
      action.anonymous === undefined ? '' : ` anonymous=${action.anonymous}`,
    ].join('');
    this.recorder.step('action', `Dial ${numbers.join(', ')}${extras}`);
    const cause = this.script.cause;
    if (cause !== 'normalClearing') {
      this.end('dialed', cause, `the dialled party does not answer: hangup cause ${cause}`);
      return;
    }
    const voicemail = numbers[0] === 'voicemail';
    this.answeringNumber = voicemail ? undefined : (this.script.answeringNumber ?? numbers[0]);
    this.recorder.step('note', `${voicemail ? 'the voicemail' : this.answeringNumber} answers`);
    if (this.onAnswer) {
      const answer: WebhookEventInput = {
        event: 'answer',
        callId: this.callId,
        ...(this.script.direction === 'in' && this.script.user[0] !== undefined
          ? { user: this.script.user[0] }
          : {}),
        from: this.script.from,
        to: this.script.to,
        direction: this.script.direction,
        ...(this.answeringNumber === undefined ? {} : { answeringNumber: this.answeringNumber }),
      };
      if (!this.countStep()) return;
      await this.pushDiscarded('answer', this.callbackTarget(this.onAnswer), encodeEvent(answer));
    }
    this.recorder.step(
      'note',
      `talk time ${this.script.talkSeconds} s (simulated, not waited for)`,
    );
    this.end('dialed', 'normalClearing', 'the call ends: hangup cause normalClearing');
  }

  private continueUnderDefaults(why: string): void {
    if (this.outcome.cause !== undefined) return;
    this.recorder.step(
      'note',
      `${why}: the call continues under the account's defaults (as sipgate.io does)`,
    );
    this.end(
      'continues',
      this.script.cause,
      `the call ends outside the flow: hangup cause ${this.script.cause}`,
    );
  }

  private end(kind: CallOutcome['kind'], cause: string, text: string): void {
    this.outcome = { kind, cause };
    this.recorder.step('end', text);
  }

  private async sendHangup(): Promise<void> {
    if (!this.onHangup || this.outcome.cause === undefined) return;
    const hangup: WebhookEventInput = {
      event: 'hangup',
      callId: this.callId,
      cause: this.outcome.cause,
      from: this.script.from,
      to: this.script.to,
      direction: this.script.direction,
      ...(this.answeringNumber === undefined ? {} : { answeringNumber: this.answeringNumber }),
      ...(this.script.diversion === undefined ? {} : { diversion: this.script.diversion }),
    };
    await this.pushDiscarded('hangup', this.callbackTarget(this.onHangup), encodeEvent(hangup));
  }

  /** A later answer's onAnswer/onHangup replaces an earlier one; a missing one keeps it. */
  private takeCallbacks(response: Response): void {
    if (response.onAnswer) this.onAnswer = response.onAnswer;
    if (response.onHangup) this.onHangup = response.onHangup;
  }

  /** Callback URLs on the target's origin get the target's credentials unless they carry their own. */
  private callbackTarget(url: string): PushTarget {
    const target = toPushTarget(url);
    if (!target.authorization && this.target.authorization && sameOrigin(url, this.target.url)) {
      target.authorization = this.target.authorization;
    }
    return target;
  }

  private async send(label: string, target: PushTarget, body: string): Promise<PushResult> {
    this.pushCount += 1;
    const signed = this.settings.signKey ? ', signed' : '';
    this.recorder.step('push', `${label} → POST ${target.url}${signed}`, body);
    const result = await this.within(
      this.client.send({
        target,
        body,
        signKey: this.settings.signKey,
        signal: this.deadline.signal,
      }),
    );
    if (result.kind === 'response') {
      const text = result.body.toString('utf8');
      const shown =
        text.length > MAX_SHOWN_BODY
          ? `${text.slice(0, MAX_SHOWN_BODY)}\n… (${text.length} characters)`
          : text;
      this.recorder.step(
        'answer',
        `${label} ← ${result.status} ${result.contentType ?? '(no Content-Type)'} in ${Math.round(result.elapsedMs)} ms, ${result.body.length}${result.truncated ? '+' : ''} bytes`,
        shown.trimEnd(),
      );
    } else {
      this.recorder.step('answer', `${label} ← no answer: ${result.message}`);
    }
    return result;
  }

  /**
   * Sends a push whose answer drives the call (newCall, dtmf) and checks it. Returns the parsed
   * response, `undefined` when the service could not use the answer, or `unreachable` when the
   * very first push found nobody listening (a connection error, not a conformance failure).
   */
  private async pushForXml(
    label: string,
    target: PushTarget,
    body: string,
  ): Promise<Response | undefined | 'unreachable'> {
    const result = await this.send(label, target, body);
    const { recorder, settings } = this;
    if (result.kind === 'error') {
      if (
        this.pushCount === 1 &&
        (result.code === 'CONNECTION_REFUSED' || result.code === 'HOST_NOT_FOUND')
      ) {
        this.connectionError = {
          code: result.code,
          message: `${this.targetText}: ${result.message}`,
        };
        recorder.check(`${label} connection`, 'CONNECTION', false, result.message);
        this.outcome = { kind: 'failed' };
        return 'unreachable';
      }
      if (result.code === 'TIMEOUT') {
        recorder.check(
          `${label} deadline`,
          'DEADLINE',
          false,
          `expected an answer within ${settings.timeoutMs} ms; received none (sipgate.io gives up after about 10 s)`,
        );
      } else {
        recorder.check(`${label} connection`, 'CONNECTION', false, result.message);
      }
      return undefined;
    }
    recorder.check(
      `${label} status`,
      'STATUS',
      result.status === 200,
      result.status === 200 ? '200' : `expected 200; received ${result.status}`,
    );
    // The Content-Type of an error answer says nothing about the XML: only a 200 is checked.
    if (result.status === 200) {
      const contentType = result.contentType ?? '';
      const shownType = contentType === '' ? 'none' : JSON.stringify(contentType.slice(0, 80));
      const xmlType = XML_CONTENT_TYPE.test(contentType);
      recorder.check(
        `${label} Content-Type`,
        'CONTENT_TYPE',
        xmlType,
        xmlType ? shownType : `expected application/xml or text/xml; received ${shownType}`,
      );
    }
    recorder.check(
      `${label} deadline`,
      'DEADLINE',
      true,
      `answered in ${Math.round(result.elapsedMs)} ms (limit ${settings.timeoutMs} ms)`,
    );
    if (result.truncated) {
      recorder.check(
        `${label} size`,
        'BODY_TOO_LARGE',
        false,
        `expected at most ${settings.maxBodyBytes} bytes; received more`,
      );
      return undefined;
    }
    if (result.status !== 200) return undefined;
    const checked = checkResponse(result.body, { maxBytes: settings.maxBodyBytes });
    if (!checked.valid) {
      const problems = checked.problems.map(
        (problem) =>
          `${problem.line}:${problem.column} ${problem.code} ${problem.path}: ${problem.message}`,
      );
      recorder.check(
        `${label} XML`,
        'XML_INVALID',
        false,
        `expected a valid <Response>; found ${problems.length} problem(s): ${problems[0] ?? ''}`,
        problems.slice(1).join('\n'),
      );
      await this.checkPlaysOfInvalid(label, result.body);
      return undefined;
    }
    const response = checked.response;
    recorder.check(
      `${label} XML`,
      'XML_INVALID',
      true,
      `valid <Response> with ${response.actions.length} action(s)${response.onAnswer ? ', onAnswer' : ''}${response.onHangup ? ', onHangup' : ''}`,
    );
    return response;
  }

  /** Sends answer or hangup, whose answer sipgate.io discards: only status and time count. */
  private async pushDiscarded(label: string, target: PushTarget, body: string): Promise<void> {
    const result = await this.send(label, target, body);
    const { recorder, settings } = this;
    if (result.kind === 'error') {
      const timeout = result.code === 'TIMEOUT';
      recorder.check(
        `${label} ${timeout ? 'deadline' : 'connection'}`,
        timeout ? 'DEADLINE' : 'CONNECTION',
        false,
        timeout
          ? `expected an answer within ${settings.timeoutMs} ms; received none`
          : result.message,
      );
      return;
    }
    recorder.check(
      `${label} status`,
      'STATUS',
      result.status >= 200 && result.status < 300,
      result.status >= 200 && result.status < 300
        ? `${result.status} (the body is discarded)`
        : `expected a 2xx status (the body is discarded); received ${result.status}`,
    );
  }

  private checkExpectations(): void {
    const { expect } = this.script;
    const { recorder, outcome } = this;
    for (const number of expect.dials ?? []) {
      recorder.check(
        `expect dials ${number}`,
        'EXPECT_DIALS',
        this.dialed.includes(number),
        `expected a Dial to ${number}; dialled ${this.dialed.join(', ') || 'nothing'}`,
      );
    }
    if (expect.playsAtLeastSeconds !== undefined) {
      const played = this.plays.reduce((sum, play) => sum + (play.seconds ?? 0), 0);
      recorder.check(
        `expect plays at least ${expect.playsAtLeastSeconds} s`,
        'EXPECT_PLAYS',
        played + 1e-9 >= expect.playsAtLeastSeconds,
        `expected at least ${expect.playsAtLeastSeconds} s of audio; played ${played.toFixed(2)} s in ${this.plays.length} Play(s)`,
      );
    }
    if (expect.rejects !== undefined) {
      recorder.check(
        `expect rejects ${expect.rejects}`,
        'EXPECT_REJECTS',
        outcome.kind === 'rejected' && this.rejectReason === expect.rejects,
        `expected Reject reason=${expect.rejects}; ${this.rejectReason ? `rejected with ${this.rejectReason}` : `the call ended as ${outcome.kind}`}`,
      );
    }
    if (expect.hangsUpWith !== undefined) {
      recorder.check(
        `expect hangs up with ${expect.hangsUpWith}`,
        'EXPECT_HANGUP_CAUSE',
        outcome.cause === expect.hangsUpWith,
        `expected hangup cause ${expect.hangsUpWith}; received ${outcome.cause ?? 'none (the call never ended)'}`,
      );
    }
    if (expect.gathers !== undefined) {
      const wanted = expect.gathers;
      const count = this.gathers.length;
      const ok = wanted === true ? count > 0 : wanted === false ? count === 0 : count === wanted;
      const words = wanted === true ? 'at least 1' : wanted === false ? 'no' : String(wanted);
      recorder.check(
        `expect gathers ${String(wanted)}`,
        'EXPECT_GATHERS',
        ok,
        `expected ${words} Gather(s); carried out ${count}`,
      );
    }
    if (expect.continues !== undefined) {
      const continues = outcome.kind === 'continues';
      recorder.check(
        `expect continues ${expect.continues}`,
        'EXPECT_CONTINUES',
        continues === expect.continues,
        `expected the call ${expect.continues ? 'to continue under the account defaults' : 'to be ended by the flow'}; it ended as ${outcome.kind}`,
      );
    }
  }
}

/**
 * The Play URLs that actions will reach, in order: Plays up to the first Gather (with its Play),
 * Dial, Reject or Hangup; what follows those is decided elsewhere or never runs.
 */
function reachedPlayUrls(actions: readonly Action[]): string[] {
  const urls: string[] = [];
  for (const action of actions) {
    if (action.action === 'Play') {
      urls.push(action.url);
      continue;
    }
    if (action.action === 'Gather' && action.play) urls.push(action.play.url);
    break;
  }
  return urls;
}

/** Runs at most `concurrency` tasks at once; the rest wait their turn in order. */
function createLimiter(concurrency: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return <T>(task: () => Promise<T>) =>
    new Promise<T>((resolve, reject) => {
      const start = (): void => {
        active += 1;
        task()
          .then(resolve, reject)
          .finally(() => {
            active -= 1;
            waiting.shift()?.();
          });
      };
      if (active < concurrency) start();
      else waiting.push(start);
    });
}

function hasCredentials(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.username !== '' || parsed.password !== '';
  } catch {
    return false;
  }
}

/** A URL without credentials and query, for check names. */
function shortUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return url.slice(0, 80);
  }
}

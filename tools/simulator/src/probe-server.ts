import { randomBytes } from 'node:crypto';
import { encodeEvent } from '@siphook/schema';
import { CallRecorder, type CallReport } from './call-report.js';
import {
  createPushClient,
  type PushClient,
  type PushResult,
  type SimulatedPush,
} from './push-client.js';
import { generateTestKeyPair, loadPrivateKey } from './sign-body.js';
import { resolveNumbers, type SimulateOptions } from './simulate-options.js';
import { type PushTarget, toPushTarget } from './target-url.js';

/** Options for {@link probeServer}: the simulator's options plus what the server claims. */
export interface ProbeOptions extends SimulateOptions {
  /**
   * The server says it checks `X-Sipgate-Signature`, so unsigned and tampered pushes must be
   * refused. Default: true when `signKey` is given (a server trusting that key checks signatures).
   */
  expectSignature?: boolean;
}

/** Size of the oversized-body probe: 1 MiB, far beyond any real push. */
export const PROBE_LARGE_BODY_BYTES = 1_048_576;

/** A malformed request and why a server must answer it with a 4xx. */
interface MalformedProbe {
  name: string;
  body: string | Uint8Array;
  headers?: Record<string, string>;
}

/**
 * Sends requests sipgate.io never sends, and checks that the server refuses them cleanly:
 * - with signatures expected, an unsigned and a tampered newCall must get 401 or 403 (and, with
 *   `signKey`, a correctly signed one must get 200 first, so the refusals mean something);
 * - with Basic auth, a push without credentials must get 401;
 * - a JSON body, garbage bytes, a newCall without callId, an unknown event and a 1 MiB body must
 *   get a 4xx: not a 2xx, not a 5xx, not a dropped connection.
 * Malformed bodies are signed and carry credentials when those are given, so they reach the
 * server's decoding rather than its authentication.
 *
 * @example
 * const report = await probeServer('http://127.0.0.1:3000/', { signKey: pem });
 * report.checks.filter((check) => !check.ok) // []
 * @see {@link CallReport} (with `kind: 'probes'`)
 */
export async function probeServer(target: string, options: ProbeOptions = {}): Promise<CallReport> {
  const settings = resolveNumbers(options);
  const signKey = options.signKey === undefined ? undefined : loadPrivateKey(options.signKey);
  const pushTarget = toPushTarget(target, settings.basicAuth);
  const expectSignature = options.expectSignature ?? signKey !== undefined;
  const callId = `probe-${randomBytes(6).toString('hex')}`;
  const recorder = new CallRecorder(
    settings.onStep
      ? (step) => settings.onStep?.(step, { name: 'probes', callId, target: pushTarget.url })
      : undefined,
  );
  const client = createPushClient({
    timeoutMs: settings.timeoutMs,
    maxBodyBytes: settings.maxBodyBytes,
  });
  let connectionError: CallReport['connectionError'];
  try {
    const newCall = encodeEvent({
      event: 'newCall',
      callId,
      direction: 'in',
      from: '492111234567',
      to: '4915791234567',
      user: ['Alice'],
    });
    const send = (name: string, push: SimulatedPush) => sendProbe(recorder, client, name, push);

    const first = signKey
      ? await send('signed newCall', { target: pushTarget, body: newCall, signKey })
      : undefined;
    if (first?.kind === 'error' && isUnreachable(first)) {
      connectionError = { code: first.code, message: `${target}: ${first.message}` };
      recorder.check('signed newCall', 'CONNECTION', false, first.message);
    } else {
      if (first) {
        const accepted = first.kind === 'response' && first.status === 200;
        recorder.check(
          'signed newCall accepted',
          'PROBE_SIGNED',
          accepted,
          accepted
            ? '200 (the server accepts pushes signed with this key)'
            : `expected 200 for a correctly signed newCall; received ${describe(first)} (does the server trust this key?)`,
        );
      }
      if (expectSignature) {
        await probeSignatures(recorder, send, pushTarget, newCall, signKey);
      } else {
        recorder.step(
          'note',
          'signature probes skipped: the server is not expected to check signatures (give --sign-key or --expect-signature)',
        );
      }
      if (settings.basicAuth) {
        const bare: PushTarget = { url: pushTarget.url };
        const result = await send('newCall without credentials', {
          target: bare,
          body: newCall,
          signKey,
        });
        const ok = result.kind === 'response' && result.status === 401;
        recorder.check(
          'newCall without credentials refused',
          'PROBE_BASIC_AUTH',
          ok,
          ok ? '401' : `expected 401; received ${describe(result)}`,
        );
      }
      for (const probe of malformedProbes(callId)) {
        const result = await send(probe.name, {
          target: pushTarget,
          body: probe.body,
          signKey,
          headers: probe.headers,
        });
        if (connectionError === undefined && result.kind === 'error' && isUnreachable(result)) {
          connectionError = { code: result.code, message: `${target}: ${result.message}` };
        }
        const ok = result.kind === 'response' && result.status >= 400 && result.status < 500;
        recorder.check(
          `${probe.name} refused`,
          'PROBE_MALFORMED',
          ok,
          ok
            ? String((result as { status: number }).status)
            : `expected a 4xx; received ${describe(result)}`,
        );
      }
    }
  } finally {
    await client.close();
  }
  const report: CallReport = {
    kind: 'probes',
    name: 'probes',
    target: pushTarget.url,
    callId,
    startedAt: recorder.startedAt.toISOString(),
    durationMs: recorder.now(),
    ok: connectionError === undefined && recorder.checks.every((check) => check.ok),
    steps: recorder.steps,
    checks: recorder.checks,
    outcome: { kind: 'failed' },
    dialed: [],
    plays: [],
    audioSeconds: 0,
    gathers: [],
  };
  if (connectionError) report.connectionError = connectionError;
  return report;
}

async function probeSignatures(
  recorder: CallRecorder,
  send: (name: string, push: SimulatedPush) => Promise<PushResult>,
  target: PushTarget,
  newCall: string,
  signKey: SimulatedPush['signKey'],
): Promise<void> {
  const unsigned = await send('unsigned newCall', { target, body: newCall });
  recordRefusal(recorder, 'unsigned newCall refused', unsigned);
  // Signed over the real body, then one byte changed: what a man in the middle would send. Without
  // a key of our own, a fresh key the server cannot trust stands in.
  const key = signKey ?? loadPrivateKey(generateTestKeyPair().privateKey);
  const tampered = newCall.replace('to=4915791234567', 'to=4915791234568');
  const result = await send('tampered newCall', {
    target,
    body: tampered,
    signKey: key,
    signedBody: newCall,
  });
  recordRefusal(recorder, 'tampered newCall refused', result);
}

function recordRefusal(recorder: CallRecorder, name: string, result: PushResult): void {
  const ok = result.kind === 'response' && (result.status === 401 || result.status === 403);
  recorder.check(
    name,
    'PROBE_SIGNATURE',
    ok,
    ok
      ? String((result as { status: number }).status)
      : `expected 401 or 403; received ${describe(result)}`,
  );
}

function malformedProbes(callId: string): MalformedProbe[] {
  const garbage = new Uint8Array(512);
  for (let index = 0; index < garbage.length; index++) garbage[index] = (index * 131 + 7) % 256;
  const padding = 'x'.repeat(PROBE_LARGE_BODY_BYTES);
  return [
    {
      name: 'JSON body',
      body: JSON.stringify({ event: 'newCall', callId, from: '492111234567', to: '4915791234567' }),
      headers: { 'content-type': 'application/json' },
    },
    { name: 'garbage body', body: garbage },
    {
      name: 'newCall without callId',
      body: 'event=newCall&direction=in&from=492111234567&to=4915791234567&user%5B%5D=Alice',
    },
    { name: 'unknown event', body: `event=ringing&callId=${callId}` },
    {
      name: '1 MiB body',
      body: `event=newCall&callId=${callId}&direction=in&from=492111234567&to=4915791234567&user%5B%5D=Alice&padding=${padding}`,
    },
  ];
}

async function sendProbe(
  recorder: CallRecorder,
  client: PushClient,
  name: string,
  push: SimulatedPush,
): Promise<PushResult> {
  const size = typeof push.body === 'string' ? Buffer.byteLength(push.body) : push.body.length;
  const shown = typeof push.body === 'string' && size <= 200 ? push.body : `(${size} bytes)`;
  recorder.step(
    'push',
    `${name} → POST ${push.target.url}${push.signKey ? ', signed' : ''}${push.headers?.['content-type'] ? `, Content-Type ${push.headers['content-type']}` : ''}`,
    shown,
  );
  const result = await client.send(push);
  recorder.step('answer', `${name} ← ${describe(result)}`);
  return result;
}

function describe(result: PushResult): string {
  if (result.kind === 'error') return `no answer: ${result.message}`;
  return `${result.status}${result.contentType ? ` ${result.contentType}` : ''} in ${Math.round(result.elapsedMs)} ms`;
}

function isUnreachable(result: PushResult): boolean {
  return (
    result.kind === 'error' &&
    (result.code === 'CONNECTION_REFUSED' || result.code === 'HOST_NOT_FOUND')
  );
}

import { useEffect, useState } from 'preact/hooks';
import type { CallView, Waveform } from './api.js';
import { fetchScenario, fetchWaveform } from './api.js';
import { formatDuration, formatTime, OUTCOME_LABELS } from './format.js';
import { formatXml } from './format-xml.js';

type Push = CallView['pushes'][number];

/** sipgate.io waits about this long for an answer (ANSWER_DEADLINE_MS on the server). */
const DEADLINE_MS = 10_000;

/** One call: its facts, the "Copy as test" button, the timeline and the prompts it played. */
export function CallDetails(props: { view: CallView }) {
  const { call, pushes, plays } = props.view;
  return (
    <article class="call">
      <h2>
        Call <code>{call.callId}</code>
      </h2>
      <dl class="facts">
        <dt>From → to</dt>
        <dd>
          {call.from ?? '?'} → {call.to ?? '?'} ({call.direction ?? 'direction unknown'})
        </dd>
        <dt>Started</dt>
        <dd>{formatTime(call.startedAt)}</dd>
        <dt>Outcome</dt>
        <dd>
          <span class={`outcome ${call.outcome}`}>{OUTCOME_LABELS[call.outcome]}</span>
          {call.hangupCause !== null && ` (hangup cause ${call.hangupCause})`}
        </dd>
        <dt>Duration</dt>
        <dd>
          {formatDuration(call.durationMs)}, {call.pushes} push(es)
        </dd>
        {call.worstProblem !== null && (
          <>
            <dt>Worst problem</dt>
            <dd class={call.worstProblem.severity}>
              {call.worstProblem.code}: {call.worstProblem.message}
            </dd>
          </>
        )}
      </dl>
      <CopyAsTest callId={call.callId} />
      <h3>Timeline</h3>
      <div class="timeline-head" aria-hidden="true">
        <span>Push from sipgate.io</span>
        <span>Answer</span>
      </div>
      <ol class="timeline">
        {pushes.map((push) => (
          <li key={push.id} class="exchange" data-event={push.event ?? 'undecoded'}>
            <PushColumn push={push} startedAt={call.startedAt} />
            <AnswerColumn push={push} pushes={pushes} />
          </li>
        ))}
      </ol>
      {plays.length > 0 && (
        <>
          <h3>Prompts</h3>
          <ul class="plays">
            {plays.map((url, index) => (
              <PlayPrompt key={url} callId={call.callId} url={url} index={index} />
            ))}
          </ul>
        </>
      )}
    </article>
  );
}

const VERDICT_MARKS: Record<Push['signature'], string> = {
  valid: '✓ valid',
  invalid: '✗ invalid',
  missing: '✗ missing',
  unchecked: '– not checked',
};

function PushColumn(props: { push: Push; startedAt: number }) {
  const { push } = props;
  // Empty lists (`userId[]` sent empty or not at all) say nothing: left out.
  const fields = Object.entries(push.decoded ?? {}).filter(
    ([name, value]) => name !== 'extra' && !(Array.isArray(value) && value.length === 0),
  );
  const extra = (push.decoded?.['extra'] ?? {}) as Record<string, unknown>;
  return (
    <div class="push">
      <p class="headline">
        <span class="offset">+{formatDuration(push.receivedAt - props.startedAt)}</span>{' '}
        <strong class="event">{push.event ?? 'undecodable push'}</strong>{' '}
        <code>
          {push.method} {push.path}
        </code>
      </p>
      {push.decodeError !== null && (
        <p class="error">
          {push.decodeError.code}: {push.decodeError.message}
        </p>
      )}
      <table class="fields">
        <tbody>
          {[...fields, ...Object.entries(extra)].map(([name, value]) => (
            <tr key={name}>
              <th>{name}</th>
              <td>{Array.isArray(value) ? value.join(', ') : String(value)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p class="verdicts">
        signature <span class={push.signature}>{VERDICT_MARKS[push.signature]}</span> · Basic auth{' '}
        <span class={push.basicAuth}>{VERDICT_MARKS[push.basicAuth]}</span>
        {push.remoteAddress !== null && ` · from ${push.remoteAddress}`}
      </p>
      {(push.route !== null || push.branch !== null) && (
        <p class="flow">
          {push.route !== null && (
            <>
              route <code>{push.route}</code>
            </>
          )}
          {push.branch !== null && (
            <>
              {' '}
              branch <code>{push.branch}</code>
            </>
          )}
        </p>
      )}
      <details>
        <summary>raw body and headers</summary>
        <pre class="raw">{push.body}</pre>
        <pre class="raw">
          {Object.entries(push.headers)
            .map(([name, value]) => `${name}: ${value}`)
            .join('\n')}
        </pre>
      </details>
    </div>
  );
}

function AnswerColumn(props: { push: Push; pushes: Push[] }) {
  const { push } = props;
  const isXml = /xml/i.test(push.contentType ?? '');
  return (
    <div class="answer">
      <p class="headline">
        <strong class={push.status >= 400 ? 'http-status bad' : 'http-status'}>
          {push.status}
        </strong>{' '}
        <code>{push.contentType ?? 'no Content-Type'}</code>
      </p>
      <Latency ms={push.durationMs} />
      {push.problems.length > 0 && (
        <ul class="problems">
          {push.problems.map((problem) => (
            <li key={problem.code + problem.message} class={problem.severity}>
              {problem.code}: {problem.message}
            </li>
          ))}
        </ul>
      )}
      {isXml ? <XmlView xml={push.answer} /> : <pre class="raw">{push.answer}</pre>}
      <Callbacks push={push} pushes={props.pushes} />
    </div>
  );
}

/** The answer time drawn against sipgate.io's 10 s limit. */
function Latency(props: { ms: number }) {
  const share = Math.min(props.ms / DEADLINE_MS, 1);
  const tone = props.ms >= DEADLINE_MS ? 'late' : props.ms >= 1000 ? 'slow' : 'quick';
  return (
    <div class="latency">
      <svg viewBox="0 0 1000 12" preserveAspectRatio="none" role="img" aria-label="answer time">
        <rect class="track" x="0" y="2" width="1000" height="8" />
        <rect class={`bar ${tone}`} x="0" y="2" width={Math.max(2, share * 1000)} height="8" />
        <line class="limit" x1="999" y1="0" x2="999" y2="12" />
      </svg>
      <span class="latency-text">
        answered in {formatDuration(props.ms)} of the 10 s sipgate.io waits
      </span>
    </div>
  );
}

function XmlView(props: { xml: string }) {
  return (
    <pre class="xml">
      {formatXml(props.xml).map((line, index) => (
        <div key={index} class="xml-line">
          {'  '.repeat(line.depth)}
          {line.tokens.map((token, at) => (
            <span key={at} class={`xml-${token.kind}`}>
              {token.text}
            </span>
          ))}
        </div>
      ))}
    </pre>
  );
}

/** The callback URLs an answer set, and the later push that followed each (if any). */
function Callbacks(props: { push: Push; pushes: Push[] }) {
  const response = props.push.response;
  if (response === null) return null;
  const wanted: { name: string; url: string; event: Push['event'] }[] = [];
  if (response.onAnswer !== undefined) {
    wanted.push({ name: 'onAnswer', url: response.onAnswer, event: 'answer' });
  }
  if (response.onHangup !== undefined) {
    wanted.push({ name: 'onHangup', url: response.onHangup, event: 'hangup' });
  }
  for (const action of response.actions) {
    if (action.action === 'Gather') {
      wanted.push({ name: 'Gather onData', url: action.onData, event: 'dtmf' });
    }
  }
  if (wanted.length === 0) return null;
  return (
    <ul class="callbacks">
      {wanted.map((callback) => {
        const path = pathOf(callback.url);
        const follower = props.pushes.find(
          (later) =>
            later.id > props.push.id &&
            later.event === callback.event &&
            pathOf(`http://x${later.path}`) === path,
        );
        return (
          <li key={callback.name}>
            {callback.name} <code>{withoutCredentials(callback.url)}</code>{' '}
            {follower === undefined ? (
              <span class="muted">not followed</span>
            ) : (
              <span class="followed">→ followed by the {follower.event} push</span>
            )}
          </li>
        );
      })}
    </ul>
  );
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}

/** Callback URLs may carry Basic-auth credentials: never shown. */
function withoutCredentials(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.href;
  } catch {
    return url;
  }
}

function PlayPrompt(props: { callId: string; url: string; index: number }) {
  const [waveform, setWaveform] = useState<Waveform | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  useEffect(() => {
    fetchWaveform(props.callId, props.index).then(setWaveform, (error: Error) =>
      setFailure(error.message),
    );
  }, [props.callId, props.index]);
  return (
    <li class="play">
      <code class="url">{props.url}</code>
      {/* biome-ignore lint/a11y/useMediaCaption: prompts come as bare WAV files, without captions. */}
      <audio controls preload="none" src={props.url} />
      {failure !== null && <p class="error">{failure}</p>}
      {waveform === null && failure === null && <p class="loading">reading the file…</p>}
      {waveform !== null && (
        <>
          <WaveformPicture peaks={waveform.peaks} />
          <p class="audio-facts">
            {waveform.format ?? 'not a readable WAV'}
            {waveform.durationSeconds !== null && `, ${waveform.durationSeconds.toFixed(2)} s`}
            {waveform.playable ? ' · plays on sipgate.io' : ' · will not play on sipgate.io'}
          </p>
          {waveform.problems.length > 0 && (
            <ul class="problems">
              {waveform.problems.map((problem) => (
                <li key={problem.code} class="error">
                  {problem.code}: {problem.message}
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </li>
  );
}

function WaveformPicture(props: { peaks: number[] }) {
  const buckets = props.peaks.length / 2;
  if (buckets === 0) return null;
  let d = '';
  for (let i = 0; i < buckets; i++) {
    const low = props.peaks[2 * i]!;
    const high = props.peaks[2 * i + 1]!;
    d += `M${i + 0.5} ${(50 - high * 48).toFixed(1)}V${(50 - low * 48 + 0.5).toFixed(1)}`;
  }
  return (
    <svg
      class="waveform"
      viewBox={`0 0 ${buckets} 100`}
      preserveAspectRatio="none"
      role="img"
      aria-label="waveform"
    >
      <line class="axis" x1="0" y1="50" x2={buckets} y2="50" />
      <path d={d} />
    </svg>
  );
}

/** Fetches the call as a simulator scenario and puts it on the clipboard (and on the page). */
function CopyAsTest(props: { callId: string }) {
  const [yaml, setYaml] = useState<string | null>(null);
  const [status, setStatus] = useState('');
  useEffect(() => {
    setYaml(null);
    setStatus('');
  }, [props.callId]);
  const copy = async (): Promise<void> => {
    try {
      const text = await fetchScenario(props.callId);
      setYaml(text);
      try {
        await navigator.clipboard.writeText(text);
        setStatus('copied: save it as a .yaml file and run siphook simulate URL --scenario FILE');
      } catch {
        setStatus('the browser refused the clipboard: select the text below and copy it');
      }
    } catch (error) {
      setStatus(`could not export the call: ${(error as Error).message}`);
    }
  };
  return (
    <div class="copy-as-test">
      <button type="button" onClick={copy}>
        Copy as test
      </button>{' '}
      <span class="status" role="status">
        {status}
      </span>
      {yaml !== null && <pre class="scenario">{yaml}</pre>}
    </div>
  );
}

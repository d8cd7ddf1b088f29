import { render } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import {
  type CallPage,
  type CallSummary,
  type CallView,
  type Filters,
  fetchCall,
  fetchCalls,
  matchesFilters,
  PAGE_SIZE,
} from './api.js';
import { CallDetails } from './call-details.js';
import { formatDuration, formatShortTime, formatTime, OUTCOME_LABELS } from './format.js';

const EMPTY_FILTERS: Filters = { number: '', date: '', outcome: '' };

/** Filters, page and open call live in the address, so a link shows the same view. */
function readAddress(): { filters: Filters; offset: number; callId: string | null } {
  const query = new URLSearchParams(location.search);
  return {
    filters: {
      number: query.get('number') ?? '',
      date: query.get('date') ?? '',
      outcome: query.get('outcome') ?? '',
    },
    offset: Math.max(0, Number(query.get('offset') ?? 0) || 0),
    callId: query.get('call'),
  };
}

function writeAddress(filters: Filters, offset: number, callId: string | null): void {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) if (value !== '') query.set(key, value);
  if (offset > 0) query.set('offset', String(offset));
  if (callId !== null) query.set('call', callId);
  const search = query.toString();
  history.replaceState(null, '', search === '' ? location.pathname : `?${search}`);
}

function App() {
  const initial = readAddress();
  const [filters, setFilters] = useState<Filters>(initial.filters);
  const [offset, setOffset] = useState(initial.offset);
  const [page, setPage] = useState<CallPage | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [callId, setCallId] = useState<string | null>(initial.callId);
  const [view, setView] = useState<CallView | null>(null);
  const [live, setLive] = useState(false);
  const [fresh, setFresh] = useState<ReadonlySet<string>>(new Set());
  const state = useRef({ filters, offset, callId });
  state.current = { filters, offset, callId };

  const loadPage = useCallback((next: Filters, at: number) => {
    fetchCalls(next, at).then(
      (loaded) => {
        setPage(loaded);
        setError(null);
      },
      (failure: Error) => setError(failure.message),
    );
  }, []);

  useEffect(() => {
    loadPage(filters, offset);
    writeAddress(filters, offset, callId);
  }, [filters, offset]);

  useEffect(() => {
    writeAddress(state.current.filters, state.current.offset, callId);
    if (callId === null) {
      setView(null);
      return;
    }
    fetchCall(callId).then(setView, (failure: Error) => setError(failure.message));
  }, [callId]);

  // New calls and new pushes of known calls arrive as server-sent events.
  useEffect(() => {
    const events = new EventSource('api/events');
    events.onopen = () => setLive(true);
    events.onerror = () => setLive(false);
    events.addEventListener('calls', (message) => {
      const changed = JSON.parse((message as MessageEvent<string>).data) as CallSummary[];
      const current = state.current;
      if (current.offset === 0) {
        setPage((old) => (old === null ? old : mergeLive(old, changed, current.filters)));
        setFresh(new Set(changed.map((call) => call.callId)));
      }
      if (current.callId !== null && changed.some((call) => call.callId === current.callId)) {
        fetchCall(current.callId).then(setView, () => {});
      }
    });
    return () => events.close();
  }, []);

  const applyFilters = (next: Filters): void => {
    setOffset(0);
    setFilters(next);
  };

  return (
    <div class="app">
      <header>
        <h1>siphook call log</h1>
        <span class={live ? 'live on' : 'live'} title="new calls appear without a reload">
          {live ? '● live' : '○ not live'}
        </span>
      </header>
      <FilterBar filters={filters} onApply={applyFilters} />
      {error !== null && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <main class={callId === null ? 'single' : 'split'}>
        <section class="list" aria-label="calls">
          {page === null ? (
            <p class="loading">Loading calls…</p>
          ) : (
            <CallList
              page={page}
              fresh={fresh}
              selected={callId}
              onOpen={setCallId}
              onPage={setOffset}
            />
          )}
        </section>
        {callId !== null && (
          <section class="detail" aria-label="call">
            <button type="button" class="close" onClick={() => setCallId(null)}>
              ✕ close
            </button>
            {view === null || view.call.callId !== callId ? (
              <p class="loading">Loading call {callId}…</p>
            ) : (
              <CallDetails view={view} />
            )}
          </section>
        )}
      </main>
    </div>
  );
}

/** Puts calls pushed live into the first page: updated in place, or added on top. */
function mergeLive(page: CallPage, changed: CallSummary[], filters: Filters): CallPage {
  const calls = [...page.calls];
  let total = page.total;
  for (const call of [...changed].reverse()) {
    const index = calls.findIndex((known) => known.callId === call.callId);
    if (index >= 0) calls[index] = call;
    else if (matchesFilters(call, filters)) {
      calls.unshift(call);
      total += 1;
    }
  }
  calls.sort((a, b) => b.startedAt - a.startedAt);
  return { ...page, calls: calls.slice(0, PAGE_SIZE), total };
}

function FilterBar(props: { filters: Filters; onApply: (filters: Filters) => void }) {
  const [draft, setDraft] = useState(props.filters);
  const set = (key: keyof Filters) => (event: Event) =>
    setDraft({ ...draft, [key]: (event.currentTarget as HTMLInputElement).value });
  return (
    <form
      class="filters"
      onSubmit={(event) => {
        event.preventDefault();
        props.onApply(draft);
      }}
    >
      <label>
        Number
        <input
          name="number"
          inputMode="numeric"
          pattern="[0-9]*|anonymous"
          placeholder="part of from or to"
          value={draft.number}
          onInput={set('number')}
        />
      </label>
      <label>
        Date
        <input name="date" type="date" value={draft.date} onInput={set('date')} />
      </label>
      <label>
        Outcome
        <select name="outcome" value={draft.outcome} onChange={set('outcome')}>
          <option value="">any</option>
          {Object.entries(OUTCOME_LABELS).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </label>
      <button type="submit">Filter</button>
      <button
        type="button"
        onClick={() => {
          setDraft(EMPTY_FILTERS);
          props.onApply(EMPTY_FILTERS);
        }}
      >
        Clear
      </button>
    </form>
  );
}

function CallList(props: {
  page: CallPage;
  fresh: ReadonlySet<string>;
  selected: string | null;
  onOpen: (callId: string) => void;
  onPage: (offset: number) => void;
}) {
  const { page } = props;
  if (page.calls.length === 0) {
    return <p class="empty">No calls {page.total === 0 ? 'in the log yet' : 'on this page'}.</p>;
  }
  const last = Math.min(page.offset + page.calls.length, page.total);
  return (
    <>
      <table class="calls">
        <thead>
          <tr>
            <th>Time</th>
            <th>From → to</th>
            <th class="wide">Dir.</th>
            <th>Outcome</th>
            <th>Duration</th>
            <th class="wide">Worst problem</th>
          </tr>
        </thead>
        <tbody>
          {page.calls.map((call) => (
            <tr
              key={call.callId}
              data-call-id={call.callId}
              class={[
                call.callId === props.selected ? 'selected' : '',
                props.fresh.has(call.callId) ? 'fresh' : '',
              ].join(' ')}
              title={formatTime(call.startedAt)}
              onClick={() => props.onOpen(call.callId)}
            >
              <td>
                <a
                  href={`?call=${encodeURIComponent(call.callId)}`}
                  onClick={(event) => {
                    event.preventDefault();
                    props.onOpen(call.callId);
                  }}
                >
                  {formatShortTime(call.startedAt)}
                </a>
              </td>
              <td class="numbers">
                {call.from ?? '?'} → {call.to ?? '?'}
              </td>
              <td class="wide">{call.direction ?? ''}</td>
              <td>
                <span class={`outcome ${call.outcome}`}>{OUTCOME_LABELS[call.outcome]}</span>
                {call.hangupCause !== null && <small class="wide"> {call.hangupCause}</small>}
              </td>
              <td>{formatDuration(call.durationMs)}</td>
              <td class="problem wide">
                {call.worstProblem === null ? (
                  ''
                ) : (
                  <span class={call.worstProblem.severity} title={call.worstProblem.message}>
                    {call.worstProblem.code}
                  </span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <nav class="pages">
        <button
          type="button"
          disabled={page.offset === 0}
          onClick={() => props.onPage(Math.max(0, page.offset - PAGE_SIZE))}
        >
          ← newer
        </button>
        <span>
          {page.offset + 1}–{last} of {page.total}
        </span>
        <button
          type="button"
          disabled={last >= page.total}
          onClick={() => props.onPage(page.offset + PAGE_SIZE)}
        >
          older →
        </button>
      </nav>
    </>
  );
}

render(<App />, document.getElementById('app')!);

import type { CallPage, CallSummary, CallView, Waveform } from '../../src/call-record.js';

export type { CallPage, CallSummary, CallView, Waveform };

/** The list filters as the page keeps them (and puts in its address). */
export interface Filters {
  number: string;
  /** A day, `YYYY-MM-DD`, in the browser's time zone. */
  date: string;
  outcome: string;
}

/** Calls shown per page. */
export const PAGE_SIZE = 50;

/** The API's error shape (`errorBody` of `@siphook/schema`), as an Error. */
export class ApiError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

async function getJson<T>(path: string): Promise<T> {
  const response = await fetch(path, { headers: { accept: 'application/json' } });
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as {
      error?: { code?: string; message?: string };
    };
    throw new ApiError(
      body.error?.code ?? String(response.status),
      body.error?.message ?? response.statusText,
    );
  }
  return (await response.json()) as T;
}

/** The query string of the call list for these filters and this page. */
export function listQuery(filters: Filters, offset: number): string {
  const query = new URLSearchParams({ limit: String(PAGE_SIZE), offset: String(offset) });
  if (filters.number !== '') query.set('number', filters.number);
  if (filters.outcome !== '') query.set('outcome', filters.outcome);
  if (filters.date !== '') {
    const start = new Date(`${filters.date}T00:00:00`);
    const end = new Date(start);
    end.setDate(end.getDate() + 1);
    query.set('since', String(start.getTime()));
    query.set('until', String(end.getTime() - 1));
  }
  return query.toString();
}

/** True when a call pushed live belongs in the list as filtered. */
export function matchesFilters(call: CallSummary, filters: Filters): boolean {
  if (filters.outcome !== '' && call.outcome !== filters.outcome) return false;
  if (
    filters.number !== '' &&
    !(call.from ?? '').includes(filters.number) &&
    !(call.to ?? '').includes(filters.number)
  ) {
    return false;
  }
  if (filters.date !== '') {
    const start = new Date(`${filters.date}T00:00:00`).getTime();
    if (call.startedAt < start || call.startedAt >= start + 86_400_000) return false;
  }
  return true;
}

export const fetchCalls = (filters: Filters, offset: number): Promise<CallPage> =>
  getJson(`api/calls?${listQuery(filters, offset)}`);

export const fetchCall = (callId: string): Promise<CallView> =>
  getJson(`api/calls/${encodeURIComponent(callId)}`);

export const fetchWaveform = (callId: string, index: number): Promise<Waveform> =>
  getJson(`api/calls/${encodeURIComponent(callId)}/plays/${index}`);

/** The call as a simulator scenario (YAML), for "Copy as test". */
export async function fetchScenario(callId: string): Promise<string> {
  const response = await fetch(`api/calls/${encodeURIComponent(callId)}/scenario`);
  if (!response.ok) throw new ApiError(String(response.status), response.statusText);
  return response.text();
}

import type { CallSummary } from './api.js';

/** How each outcome is named in the page. */
export const OUTCOME_LABELS: Record<CallSummary['outcome'], string> = {
  error: 'error',
  rejected: 'rejected',
  dialed: 'dialled',
  answered: 'answered',
  hungUp: 'hung up',
  ongoing: 'ongoing',
};

const timeFormat = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

const shortTimeFormat = new Intl.DateTimeFormat(undefined, {
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/** A moment in the browser's time zone. */
export function formatTime(ms: number): string {
  return timeFormat.format(new Date(ms));
}

/** A moment for the list: day and time, no year. */
export function formatShortTime(ms: number): string {
  return shortTimeFormat.format(new Date(ms));
}

/** `850 ms`, `12.4 s`, `3 min 20 s`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

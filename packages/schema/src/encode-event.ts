import { EVENT_FIELDS, EVENT_SCHEMAS, type WebhookEvent, WebhookEventSchema } from './events.js';
import { type Issue, SiphookError, summarizeIssues } from './siphook-error.js';
import { fromZodIssues } from './zod-issues.js';

/** An event to encode; lists and `extra` may be left out. */
export type WebhookEventInput = WebhookEvent extends infer E
  ? E extends WebhookEvent
    ? Omit<E, 'extra' | 'user' | 'userId' | 'fullUserId'> &
        Partial<Pick<E, Extract<keyof E, 'extra' | 'user' | 'userId' | 'fullUserId'>>>
    : never
  : never;

/**
 * Encodes an event as the body sipgate.io sends live: form-urlencoded, fields in the contract's
 * order, lists as `user%5B%5D=` (an empty `user` list as one empty entry, like live traffic), and
 * `extra` fields last. The inverse of {@link decodeEvent}.
 *
 * @throws {SiphookError} `EVENT_INVALID` when the event does not satisfy its schema.
 * @example
 * encodeEvent({ event: 'newCall', callId: '1', direction: 'in', from: '4921', to: '4915', user: ['Alice'] })
 * // 'event=newCall&callId=1&direction=in&from=4921&to=4915&user%5B%5D=Alice'
 */
export function encodeEvent(input: WebhookEventInput): string {
  const parsed = WebhookEventSchema.safeParse(withDefaults(input));
  if (!parsed.success) {
    const issues: Issue[] = fromZodIssues(parsed.error.issues, input);
    throw new SiphookError(
      'EVENT_INVALID',
      summarizeIssues('event to encode is invalid:', issues),
      { issues },
    );
  }
  const event = parsed.data;
  const record = event as unknown as Record<string, unknown>;
  const params = new URLSearchParams();
  const shape = Object.keys(EVENT_SCHEMAS[event.event].shape);
  const { lists } = EVENT_FIELDS[event.event];
  for (const key of shape) {
    if (key === 'extra') continue;
    const value = record[key];
    if (lists.includes(key)) {
      const values = value as string[];
      if (values.length === 0 && key === 'user') params.append('user[]', '');
      for (const item of values) params.append(`${key}[]`, item);
    } else if (value !== undefined) {
      params.append(key, String(value));
    }
  }
  for (const [key, value] of Object.entries(event.extra)) {
    if (Array.isArray(value)) {
      if (value.length === 0) params.append(`${key}[]`, '');
      for (const item of value) params.append(`${key}[]`, item);
    } else {
      params.append(key, value);
    }
  }
  return params.toString();
}

function withDefaults(input: WebhookEventInput): Record<string, unknown> {
  const out: Record<string, unknown> = { extra: {}, ...input };
  if (input.event === 'newCall') {
    out.user ??= [];
    out.userId ??= [];
    out.fullUserId ??= [];
  }
  return out;
}

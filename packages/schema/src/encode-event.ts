import { LIST_SUFFIX } from './decode-form.js';
import { eventFields, type WebhookEvent, WebhookEventSchema } from './events.js';
import { createIssue, type Issue, SiphookError, summarizeIssues } from './siphook-error.js';
import { fromZodIssues } from './zod-issues.js';

/** An event to encode; lists and `extra` may be left out. */
export type WebhookEventInput = WebhookEvent extends infer E
  ? E extends WebhookEvent
    ? Omit<E, 'extra' | 'warnings' | 'user' | 'userId' | 'fullUserId' | 'dtmf'> &
        Partial<Pick<E, Extract<keyof E, 'extra' | 'user' | 'userId' | 'fullUserId' | 'dtmf'>>>
    : never
  : never;

/**
 * Encodes an event as the body sipgate.io sends live: form-urlencoded, fields in the contract's
 * order, lists as `user%5B%5D=` (an empty `user` list as one empty entry, like live traffic), and
 * `extra` fields last. The inverse of {@link decodeEvent}.
 *
 * @throws {SiphookError} `EVENT_INVALID` when the event does not satisfy its schema, or could not
 *   come back from {@link decodeEvent} unchanged: an `extra` key that names a field of the event
 *   (or a scalar one ending in `[]`/`[n]`), an empty list entry, or an optional field set to `""`.
 * @example
 * encodeEvent({ event: 'newCall', callId: '1', direction: 'in', from: '4921', to: '4915', user: ['Alice'] })
 * // 'event=newCall&callId=1&direction=in&from=4921&to=4915&user%5B%5D=Alice'
 */
export function encodeEvent(input: WebhookEventInput): string {
  const parsed = WebhookEventSchema.safeParse(input);
  const issues: Issue[] = parsed.success
    ? [...restoreProtoField(parsed.data, input), ...findUndecodable(parsed.data)]
    : fromZodIssues(parsed.error.issues, input);
  if (!parsed.success || issues.length > 0) {
    throw new SiphookError(
      'EVENT_INVALID',
      summarizeIssues('event to encode is invalid:', issues),
      { issues },
    );
  }
  const event = parsed.data;
  const record = event as unknown as Record<string, unknown>;
  const params = new URLSearchParams();
  for (const { name, list } of eventFields(event.event)) {
    const value = record[name];
    if (list) {
      const values = value as string[];
      if (values.length === 0 && name === 'user') params.append('user[]', '');
      for (const item of values) params.append(`${name}[]`, item);
    } else if (value !== undefined) {
      params.append(name, String(value));
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

const NON_EMPTY = 'a non-empty string (an empty list entry is no entry on the wire)';
const NON_EMPTY_OR_ABSENT =
  'a non-empty string, or the field left out (an empty field decodes as absent)';

/**
 * Finds what the schema allows but the wire cannot carry back: decodeEvent would read such a body
 * as a different event (or reject it), so encodeEvent refuses it rather than emit it.
 */
function findUndecodable(event: WebhookEvent): Issue[] {
  const issues: Issue[] = [];
  const record = event as unknown as Record<string, unknown>;
  const fields = eventFields(event.event);
  for (const { name, list, fallback } of fields) {
    const value = record[name];
    if (list) {
      (value as string[]).forEach((item, index) => {
        if (item === '')
          issues.push(createIssue('FIELD_INVALID', `${name}[${index}]`, NON_EMPTY, item));
      });
    } else if (value === '' && fallback === undefined) {
      // A field with a default (dtmf) is "" by design; any other comes back absent.
      issues.push(createIssue('FIELD_INVALID', name, NON_EMPTY_OR_ABSENT, ''));
    }
  }
  const names = fields.map((field) => field.name);
  const known = `a name that is not a ${event.event} field (${names.join(', ')})`;
  for (const [key, value] of Object.entries(event.extra)) {
    const path = `extra.${key}`;
    if (names.includes(key)) {
      issues.push(createIssue('FIELD_INVALID', path, known, value));
    } else if (Array.isArray(value)) {
      value.forEach((item, index) => {
        if (item === '')
          issues.push(createIssue('FIELD_INVALID', `${path}[${index}]`, NON_EMPTY, item));
      });
    } else if (LIST_SUFFIX.test(key)) {
      issues.push(
        createIssue(
          'FIELD_INVALID',
          path,
          'a list value (a name ending in [] or [n] decodes as a list)',
          value,
        ),
      );
    }
  }
  return issues;
}

/**
 * zod drops a `__proto__` key from records (prototype safety), but decodeEvent keeps an unknown
 * field of that name as an own key, so it is copied back from the input, checked like any other.
 */
function restoreProtoField(event: WebhookEvent, input: unknown): Issue[] {
  const extra = (input as { extra?: unknown } | null)?.extra;
  if (extra === null || typeof extra !== 'object' || !Object.hasOwn(extra, '__proto__')) return [];
  const value: unknown = Object.getOwnPropertyDescriptor(extra, '__proto__')?.value;
  const ok =
    typeof value === 'string' ||
    (Array.isArray(value) && value.every((item) => typeof item === 'string'));
  if (!ok) {
    return [
      createIssue('FIELD_INVALID', 'extra.__proto__', 'a string or a list of strings', value),
    ];
  }
  Object.defineProperty(event.extra, '__proto__', {
    value: Array.isArray(value) ? [...value] : value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
  return [];
}

import { z } from 'zod';
import { type FormBody, LIST_SUFFIX, toSearchParams } from './decode-form.js';
import {
  EVENT_FIELDS,
  EVENT_NAMES,
  EVENT_SCHEMAS,
  type EventName,
  type WebhookEvent,
} from './events.js';
import { createIssue, type Issue, SiphookError, summarizeIssues } from './siphook-error.js';
import { fromZodIssues } from './zod-issues.js';

/** Shared stand-in for "no unknown fields"; zod copies records, so it is never handed out. */
const NO_EXTRA: Record<string, string | string[]> = Object.freeze(Object.create(null));
const EVENT_EXPECTED = EVENT_NAMES.map((name) => `"${name}"`).join(', ');

interface EventPlan {
  scalars: Set<string>;
  lists: readonly string[];
  listSet: Set<string>;
  /**
   * The event's schema without the unknown-key check: decodeEvent builds the candidate from known
   * fields only, so strictness would only cost time. Same shape, so the same single source of truth.
   */
  schema: z.ZodType<WebhookEvent>;
}

const PLANS = Object.fromEntries(
  EVENT_NAMES.map((name) => [
    name,
    {
      scalars: new Set(EVENT_FIELDS[name].scalars),
      lists: EVENT_FIELDS[name].lists,
      listSet: new Set(EVENT_FIELDS[name].lists),
      schema: z.object(EVENT_SCHEMAS[name].shape) as unknown as z.ZodType<WebhookEvent>,
    },
  ]),
) as unknown as Record<EventName, EventPlan>;

/**
 * Decodes a sipgate.io push body into a typed event, discriminated on `event`.
 *
 * Lists arrive as `user[]` or `user%5B%5D` (both decode alike), and an empty list entry is no
 * entry. Optional fields sent empty count as absent, except `dtmf`, which is `""` for "no digits"
 * whether it is empty or missing. Fields this library does not know are kept in `extra`.
 *
 * @throws {SiphookError} `EVENT_UNKNOWN` when `event` is not one of the four; `EVENT_INVALID`
 *   with `details.issues` (field, expected, received) for anything else wrong.
 * @example
 * decodeEvent('event=dtmf&dtmf=&callId=123')
 * // { event: 'dtmf', callId: '123', dtmf: '', extra: {} }
 */
export function decodeEvent(body: FormBody): WebhookEvent {
  const params = toSearchParams(body);
  const eventName = params.get('event') ?? params.get('event[]');
  if (eventName === null || eventName === '') {
    const issue = createIssue('FIELD_REQUIRED', 'event', EVENT_EXPECTED, eventName ?? undefined);
    throw new SiphookError('EVENT_INVALID', summarizeIssues('event push is invalid:', [issue]), {
      issues: [issue],
    });
  }
  const plan = Object.hasOwn(PLANS, eventName) ? PLANS[eventName as EventName] : undefined;
  if (plan === undefined) {
    const issue = createIssue('EVENT_UNKNOWN', 'event', EVENT_EXPECTED, eventName);
    throw new SiphookError(
      'EVENT_UNKNOWN',
      `event: expected ${EVENT_EXPECTED}; received ${issue.received}`,
      {
        issues: [issue],
        event: eventName,
      },
    );
  }

  const candidate: Record<string, unknown> = { event: eventName };
  for (const list of plan.lists) candidate[list] = [];
  let extra: Record<string, string | string[]> = NO_EXTRA;
  const issues: Issue[] = [];
  let sawEmpty = false;

  params.forEach((value, rawKey) => {
    let key = rawKey;
    let list = false;
    if (rawKey.charCodeAt(rawKey.length - 1) === 93 /* ] */ && LIST_SUFFIX.test(rawKey)) {
      key = rawKey.slice(0, rawKey.lastIndexOf('['));
      list = true;
    }
    if (plan.listSet.has(key)) {
      if (value !== '') (candidate[key] as string[]).push(value);
    } else if (plan.scalars.has(key)) {
      const first = candidate[key];
      if (first === undefined) {
        candidate[key] = value;
        if (value === '') sawEmpty = true;
      } else if (first !== value) {
        issues.push(createIssue('FIELD_REPEATED', key, 'a single value', [first, value]));
      }
    } else {
      // Null prototype: an unknown field may be called `__proto__` and must stay a plain key.
      if (extra === NO_EXTRA) extra = Object.create(null) as Record<string, string | string[]>;
      const seen = extra[key];
      if (seen === undefined) extra[key] = list ? (value === '' ? [] : [value]) : value;
      else if (Array.isArray(seen)) {
        if (value !== '') seen.push(value);
      } else extra[key] = [seen, value].filter((item) => item !== '');
    }
  });
  // Optional fields sent empty are absent; rare, so cleaned up only when seen.
  if (sawEmpty) {
    for (const name of plan.scalars)
      if (candidate[name] === '' && name !== 'dtmf') delete candidate[name];
  }
  if (eventName === 'dtmf') candidate.dtmf ??= '';
  candidate.extra = extra;

  const result = plan.schema.safeParse(candidate);
  if (result.success && issues.length === 0) return result.data;
  const all = issues;
  if (!result.success) {
    const repeated = new Set(all.map((issue) => issue.path));
    for (const issue of fromZodIssues(result.error.issues, candidate)) {
      if (!repeated.has(issue.path)) all.push(wireIssue(issue, plan.listSet));
    }
  }
  throw new SiphookError('EVENT_INVALID', summarizeIssues(`${eventName} push is invalid:`, all), {
    issues: all,
    event: eventName,
  });
}

/** Names list fields as they appear on the wire: `user[]` rather than `user`. */
function wireIssue(issue: Issue, lists: Set<string>): Issue {
  const head = issue.path.split(/[.[]/, 1)[0] ?? '';
  if (!lists.has(head)) return issue;
  const path = `${head}[]${issue.path.slice(head.length)}`;
  return { ...issue, path, message: `${path}${issue.message.slice(issue.path.length)}` };
}

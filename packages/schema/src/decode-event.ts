import { z } from 'zod';
import { type FormBody, listFieldName, toSearchParams } from './decode-form.js';
import {
  EVENT_LIMITS,
  EVENT_NAMES,
  EVENT_SCHEMAS,
  type EventField,
  type EventName,
  eventFields,
  type WebhookEvent,
} from './events.js';
import { checkFieldsOf } from './field-checks.js';
import { createIssue, type Issue, SiphookError, summarizeIssues } from './siphook-error.js';
import { fromZodIssues } from './zod-issues.js';

const EVENT_EXPECTED = EVENT_NAMES.map((name) => `"${name}"`).join(', ');
/** The fields without which a push cannot be routed: a problem with them is an error, not a warning. */
const STRICT_FIELDS: ReadonlySet<string> = new Set(['event', 'callId']);

/** What decodeEvent needs of one event's schema, read off it once. */
interface EventPlan {
  name: EventName;
  fields: readonly EventField[];
  /** Wire names (without list suffix), by slot: a dozen compares beat hashing a fresh key. */
  names: readonly string[];
  /** The event's schema without `extra` and `warnings`: decodeEvent builds those itself. */
  check: z.ZodType;
  /** The same fields' yes/no test read off that schema (field-checks.ts): zod runs on a no. */
  accepts: (candidate: Record<string, unknown>) => boolean;
}

const PLANS = new Map<string, EventPlan>(EVENT_NAMES.map((name) => [name, planOf(name)]));

function planOf(name: EventName): EventPlan {
  const fields = eventFields(name);
  const { extra: _extra, warnings: _warnings, ...shape } = EVENT_SCHEMAS[name].shape;
  return {
    name,
    fields,
    names: fields.map((field) => field.name),
    check: z.object(shape),
    accepts: checkFieldsOf(shape),
  };
}

/**
 * A copy of `value` that shares no memory with the request body. V8 returns the values that
 * URLSearchParams cuts out of a body as slices of it, so a 20-character callId kept in a call
 * store would keep a whole 64 KiB body alive; concatenating makes V8 copy the characters into a
 * new string, and slicing that keeps only the copy (bench/README.md, decode-event.test.ts).
 */
function copyOf(value: string): string {
  return ` ${value}`.slice(1);
}

/** Defines an own property, so that a field called `__proto__` stays a plain key. */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__')
    Object.defineProperty(target, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  else target[key] = value;
}

/** Appends to a list that is made only when needed (most pushes have nothing to add). */
function addTo<T>(list: T[] | undefined, item: T): T[] {
  if (list === undefined) return [item];
  list.push(item);
  return list;
}

function tooLong(path: string, limit: number, value: string): Issue {
  return createIssue(
    'FIELD_TOO_LONG',
    path,
    `at most ${limit} characters (the value was dropped)`,
    value,
  );
}

/** One push being read: the known fields by slot, the unknown ones, and what was odd. */
class PushReader {
  readonly values: (string | string[] | undefined)[];
  extra: Record<string, string | string[]> | undefined;
  private extraCount = 0;
  /** Problems with `event` or `callId`: the push cannot be decoded. */
  errors: Issue[] | undefined;
  /** Problems with any other field: the value is kept (or dropped, if too long) and reported. */
  warnings: Issue[] | undefined;

  constructor(readonly plan: EventPlan) {
    this.values = new Array(plan.fields.length);
  }

  warn(issue: Issue): void {
    this.warnings = addTo(this.warnings, issue);
  }

  fail(issue: Issue): void {
    this.errors = addTo(this.errors, issue);
  }

  hasWarned(path: string): boolean {
    return this.warnings?.some((issue) => issue.path === path) ?? false;
  }

  /** Takes one `key=value` pair of the body. */
  read(value: string, rawKey: string): void {
    const listName = listFieldName(rawKey);
    const key = listName ?? rawKey;
    const slot = this.plan.names.indexOf(key);
    if (slot < 0) {
      this.readExtra(key, value, listName !== undefined);
      return;
    }
    const values = this.values;
    const first = values[slot];
    if (this.plan.fields[slot]!.list) {
      const entries = (first as string[] | undefined) ?? [];
      values[slot] = entries;
      if (value === '') return;
      const { fieldLength, listEntries } = EVENT_LIMITS;
      const path = `${key}[]`;
      if (value.length > fieldLength) this.warn(tooLong(path, fieldLength, value));
      else if (entries.length < listEntries) entries.push(copyOf(value));
      else if (!this.hasWarned(path)) {
        const expected = `at most ${listEntries} entries (the rest were dropped)`;
        this.warn(createIssue('FIELD_TOO_MANY', path, expected, value));
      }
    } else if (first === undefined) {
      values[slot] = value;
    } else if (first !== value) {
      // A second, different value: the first one counts. For event and callId there is no
      // telling which event or call the push is about, so that is an error.
      const issue = createIssue('FIELD_REPEATED', key, 'a single value', [first, value]);
      if (STRICT_FIELDS.has(key)) this.fail(issue);
      else if (!this.hasWarned(key)) this.warn(issue);
    }
  }

  /** Keeps an unknown field in `extra`, within {@link EVENT_LIMITS}, as a copy. */
  private readExtra(key: string, value: string, list: boolean): void {
    const { extraFields, fieldLength, listEntries } = EVENT_LIMITS;
    if (key.length > fieldLength || value.length > fieldLength) {
      const path = key.length > fieldLength ? 'extra' : `extra.${copyOf(key)}`;
      this.warn(tooLong(path, fieldLength, key.length > fieldLength ? key : value));
      return;
    }
    this.extra ??= {};
    const extra = this.extra;
    const seen = Object.hasOwn(extra, key) ? extra[key] : undefined;
    if (seen === undefined) {
      if (this.extraCount++ === extraFields) {
        const expected = `at most ${extraFields} unknown fields (the rest were dropped)`;
        this.warn(createIssue('FIELD_TOO_MANY', 'extra', expected, key));
      }
      if (this.extraCount > extraFields) return;
      setOwn(extra, key, list ? (value === '' ? [] : [copyOf(value)]) : copyOf(value));
    } else if (Array.isArray(seen)) {
      if (value !== '' && seen.length < listEntries) seen.push(copyOf(value));
    } else {
      setOwn(
        extra,
        key,
        [seen, copyOf(value)].filter((item) => item !== ''),
      );
    }
  }

  /** The event in the schema's field order, every string a copy, checked against the contract. */
  build(): WebhookEvent {
    const { fields, name } = this.plan;
    const values = this.values;
    const event: Record<string, unknown> = { event: name };
    let missing: EventField[] | undefined;
    for (let slot = 1; slot < fields.length; slot++) {
      const field = fields[slot]!;
      const value = values[slot];
      if (field.list) event[field.name] = value ?? field.fallback?.();
      else if (value === undefined || value === '') {
        if (field.fallback !== undefined) event[field.name] = field.fallback();
        else if (field.required) missing = addTo(missing, field);
      } else if (field.name === 'callId') {
        event.callId = value; // copied below, once it is known to be short enough
      } else if (value.length > EVENT_LIMITS.fieldLength) {
        this.warn(tooLong(field.name, EVENT_LIMITS.fieldLength, value as string));
        if (field.required) missing = addTo(missing, field);
      } else {
        event[field.name] = copyOf(value as string);
      }
    }
    const result = this.plan.accepts(event) ? undefined : this.plan.check.safeParse(event);
    if (result !== undefined && !result.success) {
      for (const issue of fromZodIssues(result.error.issues, event)) {
        const head = issue.path.split(/[.[]/, 1)[0] ?? '';
        if (STRICT_FIELDS.has(head)) this.fail(issue);
        else if (!this.hasWarned(issue.path)) this.warn(wireIssue(issue, fields));
      }
    }
    if (this.errors !== undefined) {
      throw new SiphookError(
        'EVENT_INVALID',
        summarizeIssues(`${name} push is invalid:`, this.errors),
        {
          issues: this.errors,
          event: name,
        },
      );
    }
    event.callId = copyOf(event.callId as string);
    // A required field that was missing (or dropped) is "", so that its type stays a string.
    if (missing !== undefined) for (const field of missing) event[field.name] = '';
    event.extra = this.extra ?? {};
    if (this.warnings !== undefined) event.warnings = this.warnings;
    return event as WebhookEvent;
  }
}

/**
 * Decodes a sipgate.io push body into a typed event, discriminated on `event`. Liberal, as the
 * service's traffic needs: only a missing or unknown `event`, or a missing (or unusable) `callId`,
 * makes a push undecodable. Any other field that breaks the contract's rule is kept as sent, and
 * the event gets a `warnings` list saying which field, what was expected and what arrived.
 *
 * Lists arrive as `user[]` or `user%5B%5D` (both decode alike), and an empty list entry is no
 * entry. Optional fields sent empty count as absent; a required one that is missing is `""` (with
 * a warning); `dtmf` is `""` for "no digits" whether it is empty or missing. Fields this library
 * does not know are kept in `extra`. Every string is a copy, never a slice of the body, and every
 * value is held to {@link EVENT_LIMITS}: a longer callId is an error, any other longer value is
 * dropped with a warning.
 *
 * @throws {SiphookError} `EVENT_UNKNOWN` when `event` is not one of the four; `EVENT_INVALID`
 *   with `details.issues` (field, expected, received) when `event` or `callId` is missing,
 *   repeated with different values, or `callId` is too long.
 * @example
 * decodeEvent('event=dtmf&dtmf=&callId=123')
 * // { event: 'dtmf', callId: '123', dtmf: '', extra: {} }
 * decodeEvent('event=hangup&callId=1&cause=busy&to=%2B4921')
 * // { event: 'hangup', callId: '1', cause: 'busy', to: '+4921', extra: {}, warnings: [{ path: 'to', … }] }
 */
export function decodeEvent(body: FormBody): WebhookEvent {
  const params = toSearchParams(body);
  const eventName = params.get('event');
  if (eventName === null || eventName === '') {
    const issue = createIssue('FIELD_REQUIRED', 'event', EVENT_EXPECTED, eventName ?? undefined);
    throw new SiphookError('EVENT_INVALID', summarizeIssues('event push is invalid:', [issue]), {
      issues: [issue],
    });
  }
  const plan = PLANS.get(eventName);
  if (plan === undefined) {
    const issue = createIssue('EVENT_UNKNOWN', 'event', EVENT_EXPECTED, eventName);
    throw new SiphookError(
      'EVENT_UNKNOWN',
      `event: expected ${EVENT_EXPECTED}; received ${issue.received}`,
      { issues: [issue], event: copyOf(eventName.slice(0, EVENT_LIMITS.fieldLength)) },
    );
  }

  const reader = new PushReader(plan);
  params.forEach((value, key) => {
    reader.read(value, key);
  });
  return reader.build();
}

/** Names list fields as they appear on the wire: `user[]` rather than `user`. */
function wireIssue(issue: Issue, fields: readonly EventField[]): Issue {
  const head = issue.path.split(/[.[]/, 1)[0] ?? '';
  if (!fields.some((field) => field.list && field.name === head)) return issue;
  const path = `${head}[]${issue.path.slice(head.length)}`;
  return { ...issue, path, message: `${path}${issue.message.slice(issue.path.length)}` };
}

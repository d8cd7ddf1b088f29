import { z } from 'zod';
import { compileObjectCheck } from './compile-check.js';
import { type FormBody, listFieldName, toSearchParams } from './decode-form.js';
import { EVENT_FIELDS, EVENT_NAMES, EVENT_SCHEMAS, type WebhookEvent } from './events.js';
import { createIssue, type Issue, SiphookError, summarizeIssues } from './siphook-error.js';
import { fromZodIssues } from './zod-issues.js';

const IDENTIFIER = /^[A-Za-z][A-Za-z0-9]*$/;
/** Stand-in for "no unknown fields yet", so the common case allocates nothing until the end. */
const NO_EXTRA: Record<string, string | string[]> = Object.freeze({});

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
const EVENT_EXPECTED = EVENT_NAMES.map((name) => `"${name}"`).join(', ');

interface EventPlan {
  /** Field name (without list suffix) → slot; slot 0 is always `event`. */
  slotOf: (name: string) => number | undefined;
  names: readonly string[];
  isList: readonly boolean[];
  listSet: Set<string>;
  /** Builds the object to validate from the slots: lists default to `[]`, empty scalars are absent. */
  build: (
    event: string,
    values: readonly unknown[],
    extra: Record<string, string | string[]>,
  ) => Record<string, unknown>;
  /**
   * The event's schema without the unknown-key check: decodeEvent builds the candidate from known
   * fields only, so strictness would only cost time. Same shape, so the same single source of truth.
   */
  schema: z.ZodType<WebhookEvent>;
  /** Yes/no checks compiled from the same schema; see compile-check.ts. */
  accepts: (candidate: Record<string, unknown>) => boolean;
}

/** Plans by event name; a Map, so looking up a name from the body never interns it. */
const PLANS = new Map<string, EventPlan>(
  EVENT_NAMES.map((name) => [
    name,
    {
      ...slotsOf(EVENT_FIELDS[name]),
      listSet: new Set(EVENT_FIELDS[name].lists),
      schema: z.object(EVENT_SCHEMAS[name].shape) as unknown as z.ZodType<WebhookEvent>,
      accepts: compileObjectCheck(hotPathShape(EVENT_SCHEMAS[name].shape)),
    },
  ]),
);

/**
 * The fields the hot path must check: not `event` (the plan was picked by its value) and not
 * `extra` (decodeEvent builds it from strings itself).
 */
function hotPathShape(shape: Record<string, z.ZodType>): Record<string, z.ZodType> {
  const { event: _event, extra: _extra, ...rest } = shape;
  return rest;
}

function slotsOf(fields: { scalars: readonly string[]; lists: readonly string[] }) {
  const names = ['event', ...fields.scalars.filter((name) => name !== 'event'), ...fields.lists];
  const isList = names.map((name) => fields.lists.includes(name));
  return {
    names,
    slotOf: compileSlotOf(names),
    isList,
    build: compileBuilder(names, isList),
  };
}

/**
 * Compiles `name → slot` as a switch: a handful of length-first string compares beat hashing a
 * fresh string for a Map lookup on every field (bench/schema.bench.mjs).
 */
function compileSlotOf(names: readonly string[]): EventPlan['slotOf'] {
  const cases = names.map((name, slot) => {
    if (!IDENTIFIER.test(name)) throw new Error(`field name ${name} is not an identifier`);
    return `case '${name}': return ${slot};`;
  });
  return new Function(
    'n',
    `switch (n) { ${cases.join(' ')} default: return undefined; }`,
  ) as EventPlan['slotOf'];
}

/**
 * Compiles the candidate builder of one event, as zod itself compiles object parsers: named
 * property stores in a fixed order keep every candidate of an event on one hidden class, which
 * measured about twice as fast as a loop of computed stores (bench/schema.bench.mjs). The names
 * come from EVENT_FIELDS, never from input, and are checked to be plain identifiers.
 */
function compileBuilder(names: readonly string[], isList: readonly boolean[]): EventPlan['build'] {
  const lines = ['const c = { event: e };'];
  names.forEach((name, slot) => {
    if (!IDENTIFIER.test(name)) throw new Error(`field name ${name} is not an identifier`);
    if (slot === 0) return;
    if (isList[slot]) lines.push(`c.${name} = v[${slot}] ?? [];`);
    else lines.push(`if (v[${slot}] !== undefined && v[${slot}] !== '') c.${name} = v[${slot}];`);
  });
  if (names.includes('dtmf')) lines.push(`if (c.dtmf === undefined) c.dtmf = '';`);
  lines.push('c.extra = x;', 'return c;');
  return new Function('e', 'v', 'x', lines.join('\n')) as EventPlan['build'];
}

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
      {
        issues: [issue],
        event: eventName,
      },
    );
  }

  // Values land in slots by field index; the candidate is then built with the plan's own
  // (internalized) names in a fixed order, so V8 never has to intern a key from the body.
  const values: (string | string[] | undefined)[] = new Array(plan.names.length);
  let extra: Record<string, string | string[]> = NO_EXTRA;
  let issues: Issue[] | undefined;

  params.forEach((value, rawKey) => {
    const listName = listFieldName(rawKey);
    const key = listName ?? rawKey;
    const list = listName !== undefined;
    const slot = plan.slotOf(key);
    if (slot !== undefined) {
      const first = values[slot];
      if (plan.isList[slot]) {
        if (value !== '') {
          if (first === undefined) values[slot] = [value];
          else (first as string[]).push(value);
        }
      } else if (first === undefined) {
        values[slot] = value;
      } else if (first !== value) {
        issues ??= [];
        issues.push(createIssue('FIELD_REPEATED', key, 'a single value', [first, value]));
      }
      return;
    }
    if (extra === NO_EXTRA) extra = {};
    const seen = Object.hasOwn(extra, key) ? extra[key] : undefined;
    if (seen === undefined) setOwn(extra, key, list ? (value === '' ? [] : [value]) : value);
    else if (Array.isArray(seen)) {
      if (value !== '') seen.push(value);
    } else
      setOwn(
        extra,
        key,
        [seen, value].filter((item) => item !== ''),
      );
  });

  const candidate = plan.build(eventName, values, extra === NO_EXTRA ? {} : extra);

  if (issues === undefined && plan.accepts(candidate)) return candidate as WebhookEvent;
  const result = plan.schema.safeParse(candidate);
  if (result.success && issues === undefined) return result.data;
  const all = issues ?? [];
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

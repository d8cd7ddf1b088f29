import { z } from 'zod';
import { isE164 } from './phone-number.js';
import type { Issue } from './siphook-error.js';

// The push contract, one statement per field. Every schema states its expectation as its error
// text; decodeEvent reports it as `expected`. Only `event` and `callId` are strict on input (see
// README "Which push fields are strict"): a value that breaks any other rule is kept as given and
// reported in the decoded event's `warnings`.

/** Limits decodeEvent holds every push to, so that a decoded event never holds more than this. */
export const EVENT_LIMITS = Object.freeze({
  /** Longest `callId`, in UTF-16 code units; a longer one makes the push undecodable. */
  callIdLength: 256,
  /** Longest value of any other field (each list entry and unknown field too); longer is dropped. */
  fieldLength: 1024,
  /** Most entries of a list field (`user[]`); the rest are dropped. */
  listEntries: 100,
  /** Most unknown fields kept in `extra`; the rest are dropped. */
  extraFields: 100,
});

const PARTY =
  'a number without "+" (digits), "anonymous", or a SIP ID such as 1234567e0 (digits, a letter, digits)';
const SIP_ID = /^[0-9]+[a-z][0-9]+$/;
/** A party of a call as pushes name it: a number without `+`, `anonymous`, or a SIP ID. */
const party = z
  .string({ error: PARTY })
  .refine(
    (value) => isE164(value, { plus: false }) || value === 'anonymous' || SIP_ID.test(value),
    { error: PARTY },
  );
const direction = z.enum(['in', 'out'], { error: '"in" or "out"' });
const CALL_ID = `a call id (a non-empty string of at most ${EVENT_LIMITS.callIdLength} characters)`;
/** The call id: required, the one field (with `event`) without which a push is undecodable. */
export const CallIdSchema = z
  .string({ error: CALL_ID })
  .min(1, { error: CALL_ID })
  .max(EVENT_LIMITS.callIdLength, { error: CALL_ID });
const TEXT = `a string of at most ${EVENT_LIMITS.fieldLength} characters`;
const text = z.string({ error: TEXT }).max(EVENT_LIMITS.fieldLength, { error: TEXT });
const LIST = `a list of at most ${EVENT_LIMITS.listEntries} strings of at most ${EVENT_LIMITS.fieldLength} characters`;
const list = z.array(text, { error: LIST }).max(EVENT_LIMITS.listEntries, { error: LIST });
const PRINTABLE = `printable text (no control characters), 1 to ${EVENT_LIMITS.fieldLength} characters`;
const printable = z
  .string({ error: PRINTABLE })
  .regex(/^[^\u0000-\u001f\u007f]+$/, { error: PRINTABLE })
  .max(EVENT_LIMITS.fieldLength, { error: PRINTABLE });
const extra = z.record(z.string(), z.union([z.string(), z.array(z.string())]), {
  error: 'a record of unknown fields',
});
/** Present only on decoded events, and only when a field broke its rule: see decodeEvent. */
const warnings = z.array(z.custom<Issue>()).optional();

/** The hangup causes the contract and later revisions name. */
export const KNOWN_HANGUP_CAUSES = [
  'normalClearing',
  'busy',
  'cancel',
  'noAnswer',
  'congestion',
  'notFound',
  'forwarded',
] as const;
/** A hangup cause the service is known to send. */
export type KnownHangupCause = (typeof KNOWN_HANGUP_CAUSES)[number];
/** A hangup cause: one of the known ones, or a newer one passed through unchanged. */
export type HangupCause = KnownHangupCause | (string & {});

/** True when `cause` is one of {@link KNOWN_HANGUP_CAUSES}. */
export function isKnownHangupCause(cause: string): cause is KnownHangupCause {
  return (KNOWN_HANGUP_CAUSES as readonly string[]).includes(cause);
}

const CAUSE = `a hangup cause (printable text of 1 to 128 characters, e.g. ${KNOWN_HANGUP_CAUSES.join(', ')})`;
// Any printable text: a cause the service adds later is a cause, not an odd value.
const cause = z.custom<HangupCause>(
  (value) => typeof value === 'string' && /^[^\u0000-\u001f\u007f]{1,128}$/.test(value),
  { error: CAUSE },
);

const DTMF = 'keypad digits 0-9, *, #, A-D, or empty';
/** The DTMF keys a phone can send: digits, `*`, `#` and the rare A-D; `""` when none (NOTES). */
const dtmfDigits = z
  .string({ error: DTMF })
  .regex(/^[0-9*#A-Da-d]*$/, { error: DTMF })
  .max(EVENT_LIMITS.fieldLength, { error: DTMF })
  .default('');

/** Fields that later revisions add to `answer` and `hangup`, all optional (NOTES.md). */
const callDetails = {
  from: party.optional(),
  to: party.optional(),
  direction: direction.optional(),
  answeringNumber: party.optional(),
  diversion: printable.optional(),
  origCallId: text.optional(),
  xcid: text.optional(),
};

/**
 * `newCall`: a call starts. Wire names are kept: `user` is the `user[]` field, always a list
 * (empty when the service sends `user%5B%5D=` or nothing).
 */
export const NewCallEventSchema = z.strictObject({
  event: z.literal('newCall'),
  callId: CallIdSchema,
  direction,
  from: party,
  to: party,
  user: list.default([]),
  userId: list.default([]),
  fullUserId: list.default([]),
  diversion: printable.optional(),
  origCallId: text.optional(),
  xcid: text.optional(),
  extra: extra.default({}),
  warnings,
});

/** `answer`: someone picked up. Only incoming calls carry `user`. */
export const AnswerEventSchema = z.strictObject({
  event: z.literal('answer'),
  callId: CallIdSchema,
  user: text.optional(),
  userId: text.optional(),
  fullUserId: text.optional(),
  ...callDetails,
  extra: extra.default({}),
  warnings,
});

/** `hangup`: the call ended, with a cause that may be newer than this library. */
export const HangupEventSchema = z.strictObject({
  event: z.literal('hangup'),
  callId: CallIdSchema,
  cause,
  ...callDetails,
  extra: extra.default({}),
  warnings,
});

/** `dtmf`: the result of a Gather. `dtmf` is `""` when nothing was entered, sent empty or not. */
export const DtmfEventSchema = z.strictObject({
  event: z.literal('dtmf'),
  callId: CallIdSchema,
  dtmf: dtmfDigits,
  extra: extra.default({}),
  warnings,
});

/** Any push as the contract states it, discriminated on `event`. */
export const WebhookEventSchema = z.discriminatedUnion(
  'event',
  [NewCallEventSchema, AnswerEventSchema, HangupEventSchema, DtmfEventSchema],
  { error: 'an event object with event "newCall", "answer", "hangup" or "dtmf"' },
);

/** The fields decodeEvent holds strictly; every other field is kept as given, with a warning. */
type StrictField = 'event' | 'callId' | 'extra' | 'warnings';
/** A string field keeps its named values for editors, and admits any other string. */
type Liberal<V> = V extends string ? V | (string & {}) : V;
/**
 * A push as decodeEvent returns it: the contract's shape, except that a field that broke its
 * rule holds the value as sent (`warnings` says which). A required field that was missing is `""`.
 */
type Decoded<T> = { [K in keyof T]: K extends StrictField ? T[K] : Liberal<T[K]> };

/** A decoded `newCall` push. */
export type NewCallEvent = Decoded<z.output<typeof NewCallEventSchema>>;
/** A decoded `answer` push. */
export type AnswerEvent = Decoded<z.output<typeof AnswerEventSchema>>;
/** A decoded `hangup` push. */
export type HangupEvent = Decoded<z.output<typeof HangupEventSchema>>;
/** A decoded `dtmf` push. */
export type DtmfEvent = Decoded<z.output<typeof DtmfEventSchema>>;
/** Any decoded push. */
export type WebhookEvent = NewCallEvent | AnswerEvent | HangupEvent | DtmfEvent;
/** The four event names. */
export type EventName = WebhookEvent['event'];
/** The event names, in the order the contract introduces them. */
export const EVENT_NAMES = [
  'newCall',
  'answer',
  'hangup',
  'dtmf',
] as const satisfies readonly EventName[];

/** Schemas by event name. */
export const EVENT_SCHEMAS = {
  newCall: NewCallEventSchema,
  answer: AnswerEventSchema,
  hangup: HangupEventSchema,
  dtmf: DtmfEventSchema,
} as const;

/** One wire field of an event, as read off its schema. */
export interface EventField {
  /** The wire name without the list suffix: `user` for `user[]`. */
  name: string;
  /** Sent as `name[]` and decoded to `string[]`. */
  list: boolean;
  /** The value the schema fills in when the field is absent (`dtmf`, the newCall lists), fresh each call. */
  fallback: (() => unknown) | undefined;
  /** The contract requires it and the schema has no default for it. */
  required: boolean;
  /** The field's own schema (the contract's rule). */
  schema: z.ZodType;
}

/**
 * The wire fields of an event, in the schema's order, read off the schema itself (so a field
 * added to a schema is decoded and encoded with no further change). `extra` and `warnings` are
 * not wire fields.
 */
export function eventFields(name: EventName): readonly EventField[] {
  return FIELDS[name];
}

function fieldsOf(shape: Record<string, z.ZodType>): EventField[] {
  return Object.entries(shape)
    .filter(([name]) => name !== 'extra' && name !== 'warnings')
    .map(([name, schema]) => {
      let inner = schema;
      let fallback: (() => unknown) | undefined;
      let optional = false;
      for (;;) {
        const def = inner.def as { type: string; innerType?: z.ZodType; defaultValue?: unknown };
        if (def.innerType === undefined) break;
        // zod's getter returns a fresh copy of the default each time it is read.
        if (def.type === 'default') fallback = () => def.defaultValue;
        else if (def.type === 'optional') optional = true;
        inner = def.innerType;
      }
      return {
        name,
        list: inner.def.type === 'array',
        fallback,
        required: !optional && fallback === undefined,
        schema,
      };
    });
}

const FIELDS: Record<EventName, readonly EventField[]> = {
  newCall: fieldsOf(NewCallEventSchema.shape),
  answer: fieldsOf(AnswerEventSchema.shape),
  hangup: fieldsOf(HangupEventSchema.shape),
  dtmf: fieldsOf(DtmfEventSchema.shape),
};

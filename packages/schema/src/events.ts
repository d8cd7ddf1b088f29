import { z } from 'zod';

// Every schema states its expectation as its error text; decodeEvent reports it as `expected`.
const DIGITS = 'digits 0-9 (a number without "+")';
const digits = z.string({ error: DIGITS }).regex(/^[0-9]+$/, { error: DIGITS });
const CALLER = 'digits 0-9 (a number without "+"), or "anonymous"';
const callerNumber = z.string({ error: CALLER }).regex(/^(?:[0-9]+|anonymous)$/, { error: CALLER });
const direction = z.enum(['in', 'out'], { error: '"in" or "out"' });
const nonEmpty = (what: string) =>
  z
    .string({ error: `${what} (a non-empty string)` })
    .min(1, { error: `${what} (a non-empty string)` });
const text = z.string({ error: 'a string' });
const list = z.array(text, { error: 'a list of strings' });
const extra = z.record(z.string(), z.union([z.string(), z.array(z.string())]), {
  error: 'a record of unknown fields',
});

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

const CAUSE = `a hangup cause (printable text, e.g. ${KNOWN_HANGUP_CAUSES.join(', ')})`;
// Any printable text: a cause the service adds later must never make a hangup push undecodable.
const CAUSE_TEXT = /^[^\u0000-\u001f\u007f]{1,128}$/;
const cause = z.custom<HangupCause>(
  (value) => typeof value === 'string' && CAUSE_TEXT.test(value),
  {
    error: CAUSE,
  },
);

/** The DTMF keys a phone can send: digits, `*`, `#` and the rare A-D. */
const dtmfDigits = z
  .string({ error: 'keypad digits 0-9, *, #, A-D, or empty' })
  .regex(/^[0-9*#A-Da-d]*$/, { error: 'keypad digits 0-9, *, #, A-D, or empty' });

/** Fields that later revisions add to `answer` and `hangup`, all optional (NOTES.md). */
const callDetails = {
  from: callerNumber.optional(),
  to: digits.optional(),
  direction: direction.optional(),
  answeringNumber: digits.optional(),
  diversion: digits.optional(),
  origCallId: text.optional(),
  xcid: text.optional(),
};

/**
 * `newCall`: a call starts. Wire names are kept: `user` is the `user[]` field, always a list
 * (empty when the service sends `user%5B%5D=` or nothing).
 */
export const NewCallEventSchema = z.strictObject({
  event: z.literal('newCall'),
  callId: nonEmpty('a call id'),
  direction,
  from: callerNumber,
  to: digits,
  user: list,
  userId: list,
  fullUserId: list,
  diversion: digits.optional(),
  origCallId: text.optional(),
  xcid: text.optional(),
  extra,
});

/** `answer`: someone picked up. Only incoming calls carry `user`. */
export const AnswerEventSchema = z.strictObject({
  event: z.literal('answer'),
  callId: nonEmpty('a call id'),
  user: text.optional(),
  userId: text.optional(),
  fullUserId: text.optional(),
  ...callDetails,
  extra,
});

/** `hangup`: the call ended, with a cause that may be newer than this library. */
export const HangupEventSchema = z.strictObject({
  event: z.literal('hangup'),
  callId: nonEmpty('a call id'),
  cause,
  ...callDetails,
  extra,
});

/** `dtmf`: the result of a Gather. `dtmf` is `""` when nothing was entered. */
export const DtmfEventSchema = z.strictObject({
  event: z.literal('dtmf'),
  callId: nonEmpty('a call id'),
  dtmf: dtmfDigits,
  extra,
});

/** Any push from sipgate.io, discriminated on `event`. */
export const WebhookEventSchema = z.discriminatedUnion(
  'event',
  [NewCallEventSchema, AnswerEventSchema, HangupEventSchema, DtmfEventSchema],
  { error: 'an event object with event "newCall", "answer", "hangup" or "dtmf"' },
);

/** A decoded `newCall` push. */
export type NewCallEvent = z.infer<typeof NewCallEventSchema>;
/** A decoded `answer` push. */
export type AnswerEvent = z.infer<typeof AnswerEventSchema>;
/** A decoded `hangup` push. */
export type HangupEvent = z.infer<typeof HangupEventSchema>;
/** A decoded `dtmf` push. */
export type DtmfEvent = z.infer<typeof DtmfEventSchema>;
/** Any decoded push. */
export type WebhookEvent = z.infer<typeof WebhookEventSchema>;
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

/** Which wire fields each event knows, and which of them are lists (`name[]`). */
export const EVENT_FIELDS: Record<
  EventName,
  { scalars: readonly string[]; lists: readonly string[] }
> = {
  newCall: {
    scalars: ['event', 'direction', 'from', 'to', 'callId', 'diversion', 'origCallId', 'xcid'],
    lists: ['user', 'userId', 'fullUserId'],
  },
  answer: {
    scalars: [
      'event',
      'callId',
      'user',
      'userId',
      'fullUserId',
      'from',
      'to',
      'direction',
      'answeringNumber',
      'diversion',
      'origCallId',
      'xcid',
    ],
    lists: [],
  },
  hangup: {
    scalars: [
      'event',
      'cause',
      'callId',
      'from',
      'to',
      'direction',
      'answeringNumber',
      'diversion',
      'origCallId',
      'xcid',
    ],
    lists: [],
  },
  dtmf: { scalars: ['event', 'dtmf', 'callId'], lists: [] },
};

import { ResponseSchema } from '@siphook/schema';
import type { CheckVerdict } from '@siphook/webhook';
import { z } from 'zod';

/**
 * What a check on a push found: `valid` (checked and passed), `invalid` (checked and refused),
 * `missing` (required but not sent) or `unchecked` (the check is off). Never the secret itself.
 */
export const CheckVerdictSchema = z.enum([
  'valid',
  'invalid',
  'missing',
  'unchecked',
]) satisfies z.ZodType<CheckVerdict>;

/**
 * How a call went, worst first as the list shows it: `error` (a push got an error answer, invalid
 * XML or none in time), `rejected` (Reject), `dialed` (Dial), `answered` (an answer push came),
 * `hungUp` (the call ended before any of these) and `ongoing` (nothing of the above yet).
 */
export const CallLogOutcomeSchema = z.enum([
  'error',
  'rejected',
  'dialed',
  'answered',
  'hungUp',
  'ongoing',
]);
/** One of the outcomes of {@link CallLogOutcomeSchema}. */
export type CallLogOutcome = z.infer<typeof CallLogOutcomeSchema>;

/** One thing wrong with a push or its answer. `code` is an ErrorCode of `@siphook/schema`. */
export const CallProblemSchema = z.strictObject({
  severity: z.enum(['error', 'warning']),
  code: z.string(),
  message: z.string(),
  /** The push it was found on. */
  pushId: z.number().int().optional(),
});
/** A problem found on a push. */
export type CallProblem = z.infer<typeof CallProblemSchema>;

/**
 * One push and its answer as a store keeps it: no credentials and no signature, only their
 * verdicts. With hashed numbers, `from`, `to`, `diversion`, `answeringNumber` and Dial numbers
 * read `0000` and 11 digits (no E.164 number starts with 0), in the body and the answer alike.
 */
export const PushRecordInputSchema = z.strictObject({
  /** The push's callId; null when the body holds none. */
  callId: z.string().nullable(),
  /** When the push arrived, in ms since the epoch. */
  receivedAt: z.number(),
  method: z.string(),
  /** The path it was posted to, e.g. `/dtmf`. */
  path: z.string(),
  remoteAddress: z.string().nullable(),
  /** Request headers, names in lower case, without Authorization, Cookie or X-Sipgate-Signature. */
  headers: z.record(z.string(), z.string()),
  /** The raw form body as text. */
  body: z.string(),
  /** The event name, when the body names a known one. */
  event: z.enum(['newCall', 'answer', 'hangup', 'dtmf']).nullable(),
  /** The answer: HTTP status, Content-Type and body (XML, or the JSON error body). */
  status: z.number().int(),
  contentType: z.string().nullable(),
  answer: z.string(),
  /** From the push's arrival to its answer, in ms. */
  durationMs: z.number(),
  signature: CheckVerdictSchema,
  basicAuth: CheckVerdictSchema,
  /** The flow route the call took (newCall) and the branch of a Gather (dtmf). */
  route: z.string().nullable(),
  branch: z.string().nullable(),
});
/** A push as handed to a store. */
export type PushRecordInput = z.infer<typeof PushRecordInputSchema>;

/** A push as a store returns it: with its id, and its body decoded again. */
export const PushRecordSchema = PushRecordInputSchema.extend({
  id: z.number().int(),
  /** The decoded event (as `decodeEvent` of `@siphook/schema` returns it). */
  decoded: z.record(z.string(), z.unknown()).nullable(),
  /** Why the body did not decode. */
  decodeError: z.strictObject({ code: z.string(), message: z.string() }).nullable(),
});
/** A stored push. */
export type PushRecord = z.infer<typeof PushRecordSchema>;

/** One line of the call list. */
export const CallSummarySchema = z.strictObject({
  callId: z.string(),
  /** First and last push of the call, in ms since the epoch. */
  startedAt: z.number(),
  endedAt: z.number(),
  from: z.string().nullable(),
  to: z.string().nullable(),
  direction: z.enum(['in', 'out']).nullable(),
  outcome: CallLogOutcomeSchema,
  /** The cause of the hangup push, once it came. */
  hangupCause: z.string().nullable(),
  /** `endedAt - startedAt`. */
  durationMs: z.number(),
  pushes: z.number().int(),
  /** The first error of the call, else its first warning. */
  worstProblem: CallProblemSchema.nullable(),
});
/** A call as the list shows it. */
export type CallSummary = z.infer<typeof CallSummarySchema>;

/** A call with all of its pushes, oldest first. */
export const CallDetailSchema = z.strictObject({
  call: CallSummarySchema,
  pushes: z.array(PushRecordSchema),
});
/** A call as a store returns it. */
export type CallDetail = z.infer<typeof CallDetailSchema>;

/**
 * A push as the inspector shows it: the record, what was found wrong with it, and its answer read
 * as a response model (null for answer and hangup pushes, error answers and invalid XML).
 */
export const InspectedPushSchema = PushRecordSchema.extend({
  problems: z.array(CallProblemSchema),
  response: ResponseSchema.nullable(),
});
/** A push with its findings. */
export type InspectedPush = z.infer<typeof InspectedPushSchema>;

/** What `GET /inspect/api/calls/:callId` answers: the call, its pushes with their findings. */
export const CallViewSchema = z.strictObject({
  call: CallSummarySchema,
  pushes: z.array(InspectedPushSchema),
  /** Every Play URL of the answers, in order, each once; `/plays/:index` draws one. */
  plays: z.array(z.string()),
});
/** A call as the inspector page shows it. */
export type CallView = z.infer<typeof CallViewSchema>;

/** One page of the call list, newest first. */
export const CallPageSchema = z.strictObject({
  calls: z.array(CallSummarySchema),
  /** How many calls match the filters in all. */
  total: z.number().int(),
  offset: z.number().int(),
  limit: z.number().int(),
});
/** What `GET /inspect/api/calls` answers. */
export type CallPage = z.infer<typeof CallPageSchema>;

/** The largest page of {@link CallQuery}. */
export const MAX_PAGE_SIZE = 500;

const NUMBER = 'digits 0-9 (part of a number, without "+"), or "anonymous"';
const INSTANT = 'a date (2026-05-01), a date-time (2026-05-01T12:00:00Z) or ms since the epoch';

/** A date, date-time or epoch-ms text as ms since the epoch; NaN when unreadable. */
function toInstant(text: string): number {
  if (/^\d{1,15}$/.test(text)) return Number(text);
  if (!/^\d{4}-\d{2}-\d{2}(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/.test(text)) return Number.NaN;
  return Date.parse(text);
}

const instant = z.string({ error: INSTANT }).transform((text, context) => {
  const value = toInstant(text);
  if (Number.isNaN(value)) {
    context.addIssue({ code: 'custom', message: INSTANT });
    return z.NEVER;
  }
  return value;
});

const integerText = (what: string, min: number, max: number) =>
  z
    .string({ error: what })
    .regex(/^\d{1,9}$/, { error: what })
    .transform(Number)
    .refine((value) => value >= min && value <= max, { error: what });

/**
 * The query of the call list (`GET /inspect/api/calls?…`), as text from a URL: `number` (part of
 * `from` or `to`; the whole number when the log hashes numbers), `since`/`until` (when the call
 * started), `outcome`, `limit` (1-500, default 50) and `offset`.
 */
export const CallQuerySchema = z.strictObject({
  number: z
    .string({ error: NUMBER })
    .regex(/^(?:\d{1,20}|anonymous)$/, { error: NUMBER })
    .optional(),
  since: instant.optional(),
  until: instant.optional(),
  outcome: CallLogOutcomeSchema.optional(),
  limit: integerText(`an integer from 1 to ${MAX_PAGE_SIZE}`, 1, MAX_PAGE_SIZE).default(50),
  offset: integerText('an integer >= 0', 0, 999_999_999).default(0),
});
/** A validated call-list query. */
export type CallQuery = z.output<typeof CallQuerySchema>;
/** A call-list query as written (all text, all optional). */
export type CallQueryInput = z.input<typeof CallQuerySchema>;

/** A Play URL drawn for the page: its format and length, and min/max pairs to draw. */
export const WaveformSchema = z.strictObject({
  url: z.string(),
  /** True when sipgate.io would play it (`checkPlayable` of `@siphook/wav`). */
  playable: z.boolean(),
  /** e.g. `8000 Hz mono 16-bit PCM`; null when the file is not a readable WAV. */
  format: z.string().nullable(),
  durationSeconds: z.number().nullable(),
  /** (min, max) pairs in -1…1 for 8- and 16-bit PCM, first channel; empty otherwise. */
  peaks: z.array(z.number()),
  /** Why it will not play, or why it could not be drawn. */
  problems: z.array(z.strictObject({ code: z.string(), message: z.string() })),
});
/** What `GET /inspect/api/calls/:callId/plays/:index` answers. */
export type Waveform = z.infer<typeof WaveformSchema>;

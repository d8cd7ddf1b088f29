import { z } from 'zod';
import { HttpUrlSchema } from './http-url.js';
import { E164Schema } from './phone-number.js';
import { type Issue, SiphookError, summarizeIssues } from './siphook-error.js';
import { fromZodIssues } from './zod-issues.js';

/** `<Play><Url>…</Url></Play>`: play a WAV (8 kHz mono 16-bit PCM) from an absolute URL. */
export const PlayActionSchema = z.strictObject(
  {
    action: z.literal('Play', { error: '"Play"' }),
    url: HttpUrlSchema,
  },
  { error: 'a Play action { action: "Play", url }' },
);

/** Where a Dial sends the call: 1 to 5 numbers, or the voicemail. */
export const DialTargetSchema = z.union(
  [
    z.strictObject({
      numbers: z
        .array(E164Schema, { error: 'a list of 1 to 5 numbers' })
        .min(1, { error: 'a list of 1 to 5 numbers' })
        .max(5, { error: 'a list of 1 to 5 numbers' }),
    }),
    z.strictObject({ voicemail: z.literal(true, { error: 'true' }) }),
  ],
  { error: '{ numbers: [1 to 5 numbers] } or { voicemail: true }' },
);

/** `<Dial>`: redirect the call to numbers or the voicemail, optionally with another caller id. */
export const DialActionSchema = z.strictObject({
  action: z.literal('Dial', { error: '"Dial"' }),
  callerId: E164Schema.optional(),
  anonymous: z.boolean({ error: 'true or false' }).optional(),
  target: DialTargetSchema,
});

const positiveInt = (what: string) =>
  z
    .number({ error: what })
    .int({ error: what })
    .min(1, { error: what })
    .max(Number.MAX_SAFE_INTEGER, { error: what });

/**
 * The contract's Gather defaults: `type` dtmf, `maxDigits` 1, `timeout` 2000 ms. The schema fills
 * them in; whoever needs them elsewhere (a writer, a wiring step) imports them from here.
 */
export const GATHER_DEFAULTS = Object.freeze({
  type: 'dtmf',
  maxDigits: 1,
  timeout: 2000,
} as const);

/** `<Gather>`: collect keypad digits, posted to `onData`; only a Play may be nested. */
export const GatherActionSchema = z.strictObject({
  action: z.literal('Gather', { error: '"Gather"' }),
  type: z.literal('dtmf', { error: '"dtmf"' }).default(GATHER_DEFAULTS.type),
  onData: HttpUrlSchema,
  maxDigits: positiveInt('an integer >= 1').default(GATHER_DEFAULTS.maxDigits),
  timeout: positiveInt('an integer number of milliseconds >= 1').default(GATHER_DEFAULTS.timeout),
  play: PlayActionSchema.optional(),
});

/** `<Reject>`: refuse the call, as rejected or as busy. */
export const RejectActionSchema = z.strictObject({
  action: z.literal('Reject', { error: '"Reject"' }),
  reason: z.enum(['rejected', 'busy'], { error: '"rejected" or "busy"' }).default('rejected'),
});

/** `<Hangup/>`: end the call. */
export const HangupActionSchema = z.strictObject({
  action: z.literal('Hangup', { error: '"Hangup"' }),
});

/** One action of a response, discriminated on `action` (the XML element name). */
export const ActionSchema = z.discriminatedUnion(
  'action',
  [DialActionSchema, PlayActionSchema, GatherActionSchema, RejectActionSchema, HangupActionSchema],
  { error: 'an action: Dial, Play, Gather, Reject or Hangup' },
);

/** A whole `<Response>`: optional callback URLs and the actions, run in order. */
export const ResponseSchema = z.strictObject(
  {
    onAnswer: HttpUrlSchema.optional(),
    onHangup: HttpUrlSchema.optional(),
    actions: z.array(ActionSchema, { error: 'a list of actions' }).default([]),
  },
  { error: 'a response object { onAnswer?, onHangup?, actions }' },
);

/** A validated `<Play>`. */
export type PlayAction = z.output<typeof PlayActionSchema>;
/** A validated Dial target. */
export type DialTarget = z.output<typeof DialTargetSchema>;
/** A validated `<Dial>`. */
export type DialAction = z.output<typeof DialActionSchema>;
/** A validated `<Gather>`, with defaults filled in. */
export type GatherAction = z.output<typeof GatherActionSchema>;
/** A validated `<Reject>`, with its default reason. */
export type RejectAction = z.output<typeof RejectActionSchema>;
/** A validated `<Hangup>`. */
export type HangupAction = z.output<typeof HangupActionSchema>;
/** Any validated action. */
export type Action = z.output<typeof ActionSchema>;
/** A validated response: what {@link parseResponse} returns and the XML codec reads and writes. */
export type Response = z.output<typeof ResponseSchema>;
/** A response as written by hand: defaults (`maxDigits`, `timeout`, `reason`, …) may be left out. */
export type ResponseInput = z.input<typeof ResponseSchema>;
/** An action as written by hand. */
export type ActionInput = z.input<typeof ActionSchema>;

/**
 * Validates a response model and fills in the contract's defaults.
 *
 * @throws {SiphookError} `RESPONSE_INVALID`, with `details.issues` naming each offending path
 *   (`actions[0].target.numbers[1]`), the expectation and what was received.
 * @example
 * parseResponse({ actions: [{ action: 'Reject' }] }) // { actions: [{ action: 'Reject', reason: 'rejected' }] }
 */
export function parseResponse(input: unknown): Response {
  const result = ResponseSchema.safeParse(input);
  if (result.success) return result.data;
  const issues: Issue[] = fromZodIssues(result.error.issues, input);
  throw new SiphookError('RESPONSE_INVALID', summarizeIssues('response is invalid:', issues), {
    issues,
  });
}

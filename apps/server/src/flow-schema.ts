import { E164Schema, isE164 } from '@siphook/schema';
import { TtsTextSchema, VoiceSchema } from '@siphook/tts';
import { z } from 'zod';

// A flow file is what people write by hand, so the schema accepts the short forms (`- hangup`,
// `dial: voicemail`, `play: welcome.wav`) and each error text states the accepted forms.

const PATTERN_EXPECTED =
  'a number without "+" (digits), a prefix ending in "*" (e.g. "49211*"), "*" or "anonymous"';

/** Pushes carry numbers without "+", so a pattern with one would never match: the E.164 rule without it. */
function isNumberPattern(pattern: string): boolean {
  if (pattern === '*' || pattern === 'anonymous') return true;
  return isE164(pattern.endsWith('*') ? pattern.slice(0, -1) : pattern, { plus: false });
}

/** A number pattern of a `match`: exact digits, a prefix such as `49211*`, `*` or `anonymous`. */
export const NumberPatternSchema = z
  .string({ error: PATTERN_EXPECTED })
  .refine(isNumberPattern, { error: PATTERN_EXPECTED });

const PATTERNS = z.union([NumberPatternSchema, z.array(NumberPatternSchema).min(1)], {
  error: `${PATTERN_EXPECTED}, or a list of them`,
});

/** Which newCall pushes a route answers; every field left out matches anything. */
export const MatchSchema = z.strictObject({
  direction: z.enum(['in', 'out'], { error: '"in" or "out"' }).optional(),
  to: PATTERNS.optional(),
  from: PATTERNS.optional(),
});

const PROMPT_EXPECTED =
  'a prompt file name in the prompts folder (e.g. "welcome.wav") or an absolute http(s) URL';
const PROMPT_NAME = /^(?!\/)(?!.*(?:^|[\\/])\.\.(?:[\\/]|$))[^\u0000-\u001f]+$/;

/** A prompt: a file name relative to the flow's prompts folder, or an absolute http(s) URL. */
export const PromptSchema = z
  .string({ error: PROMPT_EXPECTED })
  .min(1, { error: PROMPT_EXPECTED })
  .regex(PROMPT_NAME, { error: PROMPT_EXPECTED });

/** `play: welcome.wav`. */
export const PlayStepSchema = z.strictObject({ play: PromptSchema });

const SAY_EXPECTED = 'a text to speak, or { text, voice? } (voice e.g. "de" or "en"; default "de")';

const SayObjectSchema = z.strictObject({ text: TtsTextSchema, voice: VoiceSchema.optional() });

/** What a `say:` speaks, after validation: the text, and the voice when one was given. */
export type SayInput = z.output<typeof SayObjectSchema>;

/**
 * What a `say:` speaks: the text alone, or `{ text, voice }`; both come out as `{ text, voice? }`.
 * The form is picked by the value's type, so a bad text gets the text rule's own message.
 */
export const SayInputSchema: z.ZodType<SayInput> = z.unknown().transform((value, ctx) => {
  const schema =
    typeof value === 'string'
      ? TtsTextSchema
      : value !== null && typeof value === 'object' && !Array.isArray(value)
        ? SayObjectSchema
        : undefined;
  if (schema === undefined) {
    ctx.addIssue({ code: 'custom', message: SAY_EXPECTED, input: value });
    return z.NEVER;
  }
  const result = schema.safeParse(value);
  if (!result.success) {
    for (const issue of result.error.issues) ctx.addIssue(issue as never);
    return z.NEVER;
  }
  return typeof result.data === 'string' ? { text: result.data } : result.data;
});

/** `say: "Willkommen bei …"`: a prompt made from text at start-up, played like `play:`. */
export const SayStepSchema = z.strictObject({ say: SayInputSchema });

const DIAL_EXPECTED =
  'a number, "voicemail", a list of 1 to 5 numbers, or { numbers | voicemail, callerId?, anonymous? }';

/** `dial: "4915799912345"`, `dial: voicemail`, a list of numbers, or the long form with options. */
export const DialTargetInputSchema = z.union(
  [
    z.literal('voicemail'),
    E164Schema,
    z.array(E164Schema).min(1).max(5),
    z.strictObject({
      numbers: z.union([E164Schema, z.array(E164Schema).min(1).max(5)]).optional(),
      voicemail: z.literal(true, { error: 'true' }).optional(),
      callerId: E164Schema.optional(),
      anonymous: z.boolean({ error: 'true or false' }).optional(),
    }),
  ],
  { error: DIAL_EXPECTED },
);

/** The target of a `dial` step as written (named apart from `@siphook/xml`'s `DialInput`, a Dial action). */
export type DialStepTarget = z.infer<typeof DialTargetInputSchema>;

/** `dial: …`: hand the call to numbers or the voicemail. */
export const DialStepSchema = z.strictObject({ dial: DialTargetInputSchema });

/** `reject: busy` or `reject: rejected`. */
export const RejectStepSchema = z.strictObject({
  reject: z.enum(['rejected', 'busy'], { error: '"rejected" or "busy"' }),
});

const BARE_EXPECTED = '"hangup", "reject" or "retry"';
/** The actions without options, written as a bare word. */
export const BareStepSchema = z.enum(['hangup', 'reject', 'retry'], { error: BARE_EXPECTED });

const BRANCH_KEY = /^(?:[0-9*#]{1,20}|default|timeout)$/;
const BRANCH_KEY_EXPECTED =
  'digits (0-9, *, #; quote them in YAML), "default" (any other digits) or "timeout" (no digits)';

const positiveInt = (what: string) =>
  z.number({ error: what }).int({ error: what }).min(1, { error: what }).max(600_000, {
    error: what,
  });

/** One action of a flow; a gather holds further lists of actions in its branches. */
export type StepInput =
  | z.infer<typeof BareStepSchema>
  | z.infer<typeof PlayStepSchema>
  | z.infer<typeof SayStepSchema>
  | z.infer<typeof DialStepSchema>
  | z.infer<typeof RejectStepSchema>
  | { gather: GatherStepOptions };

/**
 * The options of a `gather` step as written in the flow file (named apart from `@siphook/xml`'s
 * `GatherInput`, a Gather action).
 */
export interface GatherStepOptions {
  /** Prompt played while waiting for digits (the timeout starts after it ends). */
  play?: string | undefined;
  /** Text spoken while waiting for digits, instead of `play`. */
  say?: SayInput | undefined;
  /** Digits to collect, 1 by default. */
  maxDigits?: number | undefined;
  /** Milliseconds to wait for digits after the prompt, 2000 by default (the contract's). */
  timeout?: number | undefined;
  /** How often to ask again when nothing was entered, before taking the `timeout` branch. */
  retries?: number | undefined;
  /** What to do per entered digits; `default` for any other digits, `timeout` for none. */
  branches?: Record<string, StepInput[]> | undefined;
}

/** `gather: { play, maxDigits, timeout, retries, branches }`. */
export const GatherStepSchema: z.ZodType<{ gather: GatherStepOptions }> = z.strictObject({
  gather: z.strictObject({
    play: PromptSchema.optional(),
    say: SayInputSchema.optional(),
    maxDigits: positiveInt('an integer from 1 to 20')
      .max(20, { error: 'an integer from 1 to 20' })
      .optional(),
    timeout: positiveInt('milliseconds, an integer from 1 to 600000').optional(),
    retries: z
      .number({ error: 'an integer from 0 to 10' })
      .int({ error: 'an integer from 0 to 10' })
      .min(0, { error: 'an integer from 0 to 10' })
      .max(10, { error: 'an integer from 0 to 10' })
      .optional(),
    branches: z
      .record(
        z.string().regex(BRANCH_KEY, { error: BRANCH_KEY_EXPECTED }),
        z.lazy(() => StepListSchema),
        { error: 'a map of branch (digits, default, timeout) to a list of actions' },
      )
      .optional(),
  }),
});

const STEP_EXPECTED =
  'an action: play, say, gather, dial, reject (or reject: busy), hangup, or retry (inside a gather branch), one per list item';

const STEP_SCHEMAS: Record<string, z.ZodType> = {
  play: PlayStepSchema,
  say: SayStepSchema,
  dial: DialStepSchema,
  reject: RejectStepSchema,
  gather: GatherStepSchema,
};

/**
 * One action of a flow. A plain union would report every alternative for a typo deep inside a
 * gather; picking the alternative by the item's one key reports only what is wrong with it.
 */
export const StepSchema: z.ZodType<StepInput> = z.unknown().transform((value, ctx) => {
  let schema: z.ZodType | undefined;
  if (typeof value === 'string') schema = BareStepSchema;
  else if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const keys = Object.keys(value);
    if (keys.length === 1) schema = STEP_SCHEMAS[keys[0]!];
  }
  if (schema === undefined) {
    ctx.addIssue({ code: 'custom', message: STEP_EXPECTED, input: value });
    return z.NEVER;
  }
  const result = schema.safeParse(value);
  if (result.success) return result.data as StepInput;
  for (const issue of result.error.issues) ctx.addIssue(issue as never);
  return z.NEVER;
});

/** A list of actions, run in order. */
export const StepListSchema: z.ZodType<StepInput[]> = z.array(
  z.lazy(() => StepSchema),
  { error: 'a list of actions' },
);

/** A route: which newCall pushes it answers and what it does with them. */
export const RouteSchema = z.strictObject({
  name: z.string({ error: 'a text' }).optional(),
  match: MatchSchema.optional(),
  actions: StepListSchema,
});

/**
 * A whole flow file. Routes are tried in order and the first whose `match` fits the newCall runs;
 * a call no route matches gets an empty `<Response/>` (the account's own settings then apply).
 *
 * @example
 * { routes: [{ match: { to: '49211*' }, actions: ['reject'] }] }
 */
export const FlowSchema = z.strictObject({
  name: z.string({ error: 'a text' }).optional(),
  /**
   * Folder of the prompt files, relative to the flow file; `prompts` by default. Or a `.json`
   * prompt manifest (name → URL) from `siphook wav publish`: the flow then plays those URLs.
   */
  prompts: z.string({ error: 'a folder path' }).min(1, { error: 'a folder path' }).optional(),
  routes: z
    .array(RouteSchema, { error: 'a list of routes' })
    .min(1, { error: 'a list of at least one route' }),
});

/** A flow as written (file or object). */
export type FlowInput = z.input<typeof FlowSchema>;
/** A flow after validation. */
export type Flow = z.output<typeof FlowSchema>;
/** A route after validation. */
export type Route = z.output<typeof RouteSchema>;
/** A newCall match after validation. */
export type Match = z.output<typeof MatchSchema>;

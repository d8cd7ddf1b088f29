import type { ActionInput, ResponseInput } from '@siphook/schema';

/** The callback URLs a `<Response>` may carry. */
export interface ResponseAttributes {
  /** Receives an `answer` push when the call is answered. */
  onAnswer?: string | undefined;
  /** Receives a `hangup` push when the call ends. */
  onHangup?: string | undefined;
}

/** A `<Play>` as written by hand (the schema's input type). */
export type PlayInput = Extract<ActionInput, { action: 'Play' }>;
/** Options of a `<Gather>`: the attributes; `type` is always `dtmf`. */
export interface GatherOptions {
  /** Absolute http(s) URL that receives the `dtmf` push. */
  onData: string;
  /** Digits to collect, >= 1; the contract's default is 1. */
  maxDigits?: number | undefined;
  /** Milliseconds to wait for input after the prompt, >= 1; the contract's default is 2000. */
  timeout?: number | undefined;
}
/** A `<Gather>` as written by hand; only a {@link PlayInput} may be nested. */
export type GatherInput = Extract<ActionInput, { action: 'Gather' }>;
/**
 * A `<Gather>` whose `onData` is left for `@siphook/webhook` to fill in from its public URL. It is
 * not a {@link ResponseInput} on its own: `encodeResponse` needs `onData`. `onData` is absent
 * (`never`), not `undefined`, so that a draft fits a `{ onData?: string }` under
 * `exactOptionalPropertyTypes`.
 */
export type GatherDraft = Omit<GatherInput, 'onData'> & { onData?: never };
/** A `<Dial>` as written by hand. */
export type DialInput = Extract<ActionInput, { action: 'Dial' }>;
/**
 * Where a `<Dial>` goes: 1 to 5 E.164 numbers (no `+`), or the voicemail; never both (the `never`
 * keys make TypeScript refuse an object literal that has both).
 */
export type DialTargetInput =
  | { numbers: string[]; voicemail?: never }
  | { voicemail: true; numbers?: never };
/** A `<Reject>` as written by hand. */
export type RejectInput = Extract<ActionInput, { action: 'Reject' }>;
/** A `<Hangup>`. */
export type HangupInput = Extract<ActionInput, { action: 'Hangup' }>;
/** Attributes of a `<Dial>`. */
export interface DialOptions {
  /** E.164 number to show as the caller id (account settings otherwise). */
  callerId?: string | undefined;
  /** Suppress the caller's number. */
  anonymous?: boolean | undefined;
}
/** A response in which some Gather still lacks `onData` (see {@link GatherDraft}). */
export type ResponseDraft = Omit<ResponseInput, 'actions'> & {
  actions: (ActionInput | GatherDraft)[];
};
/** Any action the builder returns. */
export type BuilderAction = ActionInput | GatherDraft;
/** {@link ResponseInput} when every Gather has its `onData`, else {@link ResponseDraft}. */
export type ResponseOf<A extends readonly BuilderAction[]> = GatherDraft extends A[number]
  ? ResponseDraft
  : ResponseInput;

function isAction(value: unknown): value is BuilderAction {
  return typeof value === 'object' && value !== null && 'action' in value;
}

/**
 * `<Response>`: the callback URLs (optional, first) and the actions, run in order.
 *
 * @example
 * response({ onHangup: 'https://example.com/hangup' }, play('https://example.com/hi.wav'), hangup())
 * // { onHangup: 'https://example.com/hangup', actions: [{ action: 'Play', url: … }, { action: 'Hangup' }] }
 */
export function response<const A extends readonly BuilderAction[]>(
  attributes: ResponseAttributes,
  ...actions: A
): ResponseOf<A>;
export function response<const A extends readonly BuilderAction[]>(...actions: A): ResponseOf<A>;
export function response(
  first?: ResponseAttributes | BuilderAction,
  ...rest: BuilderAction[]
): ResponseInput | ResponseDraft {
  const actions = first === undefined || isAction(first) ? (first ? [first, ...rest] : rest) : rest;
  const out: ResponseDraft = { actions: [...actions] };
  if (first !== undefined && !isAction(first)) {
    const { onAnswer, onHangup } = first;
    return {
      ...(onAnswer === undefined ? {} : { onAnswer }),
      ...(onHangup === undefined ? {} : { onHangup }),
      actions: out.actions,
    };
  }
  return out;
}

/** `<Play>`: play the WAV (8 kHz mono 16-bit PCM) at an absolute http(s) URL. */
export function play(url: string): PlayInput {
  return { action: 'Play', url };
}

/**
 * `<Gather>`: collect keypad digits while (optionally) playing a prompt; the digits are pushed to
 * `onData`. Only a {@link play} may be nested, which the types enforce.
 *
 * @example
 * gather({ onData: 'https://example.com/dtmf', maxDigits: 3 }, play('https://example.com/menu.wav'))
 */
export function gather(options: GatherOptions, prompt?: PlayInput): GatherInput;
export function gather(
  options?: Omit<GatherOptions, 'onData'> & { onData?: undefined },
  prompt?: PlayInput,
): GatherDraft;
export function gather(
  options: Partial<GatherOptions> = {},
  prompt?: PlayInput,
): GatherInput | GatherDraft {
  const out: Record<string, unknown> = { action: 'Gather' };
  if (options.onData !== undefined) out.onData = options.onData;
  if (options.maxDigits !== undefined) out.maxDigits = options.maxDigits;
  if (options.timeout !== undefined) out.timeout = options.timeout;
  if (prompt !== undefined) out.play = prompt;
  return out as GatherInput | GatherDraft;
}

/**
 * `<Dial>`: send the call to up to 5 numbers or to the voicemail. A single string is one number.
 *
 * @example
 * dial('4915799912345', { anonymous: true })
 * dial({ voicemail: true })
 */
export function dial(
  target: DialTargetInput | string | readonly string[],
  options: DialOptions = {},
): DialInput {
  const out: Partial<DialInput> = { action: 'Dial' };
  if (options.callerId !== undefined) out.callerId = options.callerId;
  if (options.anonymous !== undefined) out.anonymous = options.anonymous;
  out.target =
    typeof target === 'string'
      ? { numbers: [target] }
      : Array.isArray(target)
        ? { numbers: [...target] }
        : (target as DialInput['target']);
  return out as DialInput;
}

/** `<Reject>`: refuse the call, as `rejected` (the default) or as `busy`. */
export function reject(reason?: 'rejected' | 'busy'): RejectInput {
  return reason === undefined ? { action: 'Reject' } : { action: 'Reject', reason };
}

/** `<Hangup>`: end the call. */
export function hangup(): HangupInput {
  return { action: 'Hangup' };
}

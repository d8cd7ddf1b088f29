import {
  type Action,
  type DialAction,
  type DialTarget,
  isHttpUrl,
  type PlayAction,
  type Response,
} from '@siphook/schema';

// A yes/no pre-check of the response model for the encode and decode hot paths. zod stays the
// single source of truth: this only ever says "valid" for input that `ResponseSchema` accepts too
// (a property test holds it to that), and returns `undefined` for everything else, including
// anything merely unusual, so that the caller runs `parseResponse` for the verdict and messages.

const OCTET = '(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
const PORT = '(?:[0-9]{1,4}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])';
/**
 * http(s) URLs that WHATWG `new URL()` is certain to accept with a non-empty host: ASCII host
 * names whose last label starts with a letter (so never an IPv4 candidate) and no `xn--` label
 * (punycode may be invalid), or a dotted IPv4 address; an optional port up to 65535; then
 * anything but whitespace, controls, surrogates and U+FFFE/U+FFFF (the path, query and fragment
 * are percent-encoded by the URL parser, never refused; astral characters take the slow road). Everything else goes to the schema's own `isHttpUrl`.
 */
const CERTAINLY_HTTP_URL = new RegExp(
  `^https?://(?:(?:(?!xn--)[a-z0-9-]+\\.)*(?!xn--)[a-z][a-z0-9-]*|${OCTET}(?:\\.${OCTET}){3})` +
    `(?::${PORT})?(?:[/?#][^\\s\\u0000-\\u001f\\u007f\\ud800-\\udfff\\ufffe\\uffff]*)?$`,
  'i',
);
/** The schema's E.164 rule (`^[0-9]{1,15}$`), as a loop: a regex costs more than the check here. */
export function isE164(value: unknown): value is string {
  if (typeof value !== 'string' || value.length < 1 || value.length > 15) return false;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x30 || code > 0x39) return false;
  }
  return true;
}

/** True only for URLs the schema's `isHttpUrl` certainly accepts; false says nothing. */
export function isCertainlyHttpUrl(value: string): boolean {
  return CERTAINLY_HTTP_URL.test(value);
}

/** True for an absolute http(s) URL, deciding the common case without `new URL()`. */
export function isHttpUrlFast(value: unknown): value is string {
  return typeof value === 'string' && (CERTAINLY_HTTP_URL.test(value) || isHttpUrl(value));
}

/**
 * zod's own test for `z.object` input (any non-null, non-array object). Unknown keys are found
 * with `for…in`, which also sees inherited enumerable keys, so this is never more lenient than
 * zod's strict-object check. Every property is read once, and the copy holds what was checked.
 */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The schema's count rule: an integer from 1 to `Number.MAX_SAFE_INTEGER`. */
export function isCount(value: unknown): value is number {
  return (
    typeof value === 'number' &&
    Number.isInteger(value) &&
    value >= 1 &&
    value <= Number.MAX_SAFE_INTEGER
  );
}

function parsePlay(input: unknown): PlayAction | undefined {
  if (!isObject(input)) return undefined;
  for (const key in input) if (key !== 'action' && key !== 'url') return undefined;
  const url = input.url;
  if (input.action !== 'Play' || !isHttpUrlFast(url)) return undefined;
  return { action: 'Play', url };
}

function parseTarget(input: unknown): DialTarget | undefined {
  if (!isObject(input)) return undefined;
  let keys = 0;
  for (const _ in input) keys++;
  if (keys !== 1) return undefined;
  if (input.voicemail === true) return { voicemail: true };
  const numbers = input.numbers;
  if (!Array.isArray(numbers) || numbers.length < 1 || numbers.length > 5) return undefined;
  const copy: string[] = [];
  for (let i = 0; i < numbers.length; i++) {
    const number: unknown = numbers[i];
    if (!isE164(number)) return undefined;
    copy.push(number);
  }
  return { numbers: copy };
}

function parseAction(input: unknown): Action | undefined {
  if (!isObject(input)) return undefined;
  switch (input.action) {
    case 'Play':
      return parsePlay(input);
    case 'Gather': {
      for (const key in input) {
        if (
          key !== 'action' &&
          key !== 'type' &&
          key !== 'onData' &&
          key !== 'maxDigits' &&
          key !== 'timeout' &&
          key !== 'play'
        )
          return undefined;
      }
      const { type, onData, maxDigits = 1, timeout = 2000, play } = input;
      if (type !== undefined && type !== 'dtmf') return undefined;
      if (!isHttpUrlFast(onData) || !isCount(maxDigits) || !isCount(timeout)) return undefined;
      // zod keeps an optional key that is present but undefined; so does this copy.
      if (play === undefined) {
        return 'play' in input
          ? { action: 'Gather', type: 'dtmf', onData, maxDigits, timeout, play: undefined }
          : { action: 'Gather', type: 'dtmf', onData, maxDigits, timeout };
      }
      const parsedPlay = parsePlay(play);
      if (parsedPlay === undefined) return undefined;
      return { action: 'Gather', type: 'dtmf', onData, maxDigits, timeout, play: parsedPlay };
    }
    case 'Dial': {
      for (const key in input) {
        if (key !== 'action' && key !== 'callerId' && key !== 'anonymous' && key !== 'target')
          return undefined;
      }
      const { callerId, anonymous } = input;
      if (callerId !== undefined && !isE164(callerId)) return undefined;
      if (anonymous !== undefined && typeof anonymous !== 'boolean') return undefined;
      const target = parseTarget(input.target);
      if (target === undefined) return undefined;
      // Keys in schema order (action, callerId, anonymous, target), as zod returns them; a
      // present-but-undefined key is kept, as zod keeps it.
      const hasCallerId = 'callerId' in input;
      const hasAnonymous = 'anonymous' in input;
      if (hasCallerId && hasAnonymous)
        return { action: 'Dial', callerId, anonymous, target } as DialAction;
      if (hasCallerId) return { action: 'Dial', callerId, target } as DialAction;
      if (hasAnonymous) return { action: 'Dial', anonymous, target } as DialAction;
      return { action: 'Dial', target };
    }
    case 'Reject': {
      for (const key in input) if (key !== 'action' && key !== 'reason') return undefined;
      const reason = input.reason ?? 'rejected';
      if (reason !== 'rejected' && reason !== 'busy') return undefined;
      return { action: 'Reject', reason };
    }
    case 'Hangup': {
      for (const key in input) if (key !== 'action') return undefined;
      return { action: 'Hangup' };
    }
    default:
      return undefined;
  }
}

/**
 * Validates a response model like `parseResponse` for the common case, without zod: returns the
 * same validated copy with defaults filled in, or `undefined` when the input is invalid or not
 * certainly valid (then call `parseResponse`, which decides and explains).
 */
export function parseResponseFast(input: unknown): Response | undefined {
  if (!isObject(input)) return undefined;
  for (const key in input) {
    if (key !== 'onAnswer' && key !== 'onHangup' && key !== 'actions') return undefined;
  }
  const { onAnswer, onHangup, actions = [] } = input;
  if (onAnswer !== undefined && !isHttpUrlFast(onAnswer)) return undefined;
  if (onHangup !== undefined && !isHttpUrlFast(onHangup)) return undefined;
  if (!Array.isArray(actions)) return undefined;
  const parsed: Action[] = [];
  for (let i = 0; i < actions.length; i++) {
    const action = parseAction(actions[i]);
    if (action === undefined) return undefined;
    parsed.push(action);
  }
  if (!('onAnswer' in input) && !('onHangup' in input)) return { actions: parsed };
  const response: Partial<Response> = {};
  if ('onAnswer' in input) response.onAnswer = onAnswer;
  if ('onHangup' in input) response.onHangup = onHangup;
  response.actions = parsed;
  return response as Response;
}

import { SiphookError } from '@siphook/schema';
import type { BasicAuthCredentials } from './check-basic-auth.js';

/** The callback URLs the handler puts into responses; all route back to the same handler. */
export interface CallbackUrls {
  answer: string;
  hangup: string;
  dtmf: string;
}

/** Which callbacks to set on a `newCall` response: those whose handlers exist. */
export interface CallbackWiring {
  answer: boolean;
  hangup: boolean;
}

/**
 * Makes the callback URLs from a base: `<base>/answer`, `<base>/hangup`, `<base>/dtmf`. A query
 * string stays in place, and so do `user:pass@` credentials (sipgate.io sends them as Basic auth);
 * without any, the handler's own Basic-auth credentials are put in, or its callbacks would be
 * refused.
 */
export function createCallbackUrls(base: string, basicAuth?: BasicAuthCredentials): CallbackUrls {
  const url = new URL(base);
  if (basicAuth !== undefined && url.username === '' && url.password === '') {
    url.username = encodeURIComponent(basicAuth.username);
    url.password = encodeURIComponent(basicAuth.password);
  }
  const path = url.pathname.endsWith('/') ? url.pathname.slice(0, -1) : url.pathname;
  const withPath = (suffix: string): string => {
    url.pathname = path + suffix;
    return url.href;
  };
  return { answer: withPath('/answer'), hangup: withPath('/hangup'), dtmf: withPath('/dtmf') };
}

/**
 * Fills in what a handler left out: on a `newCall` response, `onAnswer` and `onHangup` when their
 * handlers exist; on every Gather, `onData`. URLs the handler gave are never replaced, and the
 * handler's object is never changed (it may be a shared constant): changed parts are copied.
 *
 * @throws {SiphookError} `CALLBACK_URL_UNKNOWN` when a Gather needs `onData` but no URL is known.
 */
export function wireCallbacks(
  model: unknown,
  isNewCall: boolean,
  wiring: CallbackWiring,
  urls: CallbackUrls | undefined,
): unknown {
  if (model === null || typeof model !== 'object') return model;
  const response = model as Record<string, unknown>;
  const setAnswer =
    isNewCall && urls !== undefined && wiring.answer && response.onAnswer === undefined;
  const setHangup =
    isNewCall && urls !== undefined && wiring.hangup && response.onHangup === undefined;
  const actions = response.actions;
  let copied: unknown[] | undefined;
  if (Array.isArray(actions)) {
    for (let index = 0; index < actions.length; index++) {
      const action = actions[index] as Record<string, unknown> | null | undefined;
      if (action?.action !== 'Gather' || action.onData !== undefined) continue;
      if (urls === undefined) {
        throw new SiphookError(
          'CALLBACK_URL_UNKNOWN',
          `actions[${index}].onData: expected a URL, or the publicUrl option to make one from; received nothing (set publicUrl, trustHostHeader, or onData)`,
          { path: `actions[${index}].onData` },
        );
      }
      copied ??= actions.slice();
      copied[index] = withOnData(action, urls.dtmf);
    }
  }
  if (!setAnswer && !setHangup && copied === undefined) return model;
  const onAnswer = setAnswer ? urls!.answer : response.onAnswer;
  const onHangup = setHangup ? urls!.hangup : response.onHangup;
  if (hasOnlyKeys(response, RESPONSE_KEYS)) {
    // A literal of fixed shape: several times cheaper than a spread on the hot path.
    return { onAnswer, onHangup, actions: copied ?? actions };
  }
  // Unknown keys are kept, so that validation names them instead of losing them.
  return { ...response, onAnswer, onHangup, actions: copied ?? actions };
}

const RESPONSE_KEYS = new Set(['onAnswer', 'onHangup', 'actions']);
const GATHER_KEYS = new Set(['action', 'type', 'onData', 'maxDigits', 'timeout', 'play']);

/** A copy of a Gather with `onData` set; keys absent stay `undefined`, which validation treats alike. */
function withOnData(gather: Record<string, unknown>, onData: string): Record<string, unknown> {
  if (!hasOnlyKeys(gather, GATHER_KEYS)) return { ...gather, onData };
  return {
    action: 'Gather',
    type: gather.type,
    onData,
    maxDigits: gather.maxDigits,
    timeout: gather.timeout,
    play: gather.play,
  };
}

function hasOnlyKeys(object: Record<string, unknown>, allowed: ReadonlySet<string>): boolean {
  for (const key in object) if (!allowed.has(key)) return false;
  return true;
}

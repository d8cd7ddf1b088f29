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
  let out = response;
  if (isNewCall && urls !== undefined) {
    if (wiring.answer && response.onAnswer === undefined) out = { ...out, onAnswer: urls.answer };
    if (wiring.hangup && response.onHangup === undefined) {
      out = out === response ? { ...out } : out;
      out.onHangup = urls.hangup;
    }
  }
  const actions = response.actions;
  if (!Array.isArray(actions)) return out;
  let copied: unknown[] | undefined;
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
    copied[index] = { ...action, onData: urls.dtmf };
  }
  if (copied === undefined) return out;
  return { ...out, actions: copied };
}

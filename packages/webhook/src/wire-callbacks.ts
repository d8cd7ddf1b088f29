import { SiphookError } from '@siphook/schema';
import type { CallbackUrls } from './callback-urls.js';

/** Which callbacks to set on a `newCall` response: those whose handlers exist. */
export interface CallbackWiring {
  answer: boolean;
  hangup: boolean;
}

/**
 * Fills in what a handler left out: on a `newCall` response, `onAnswer` and `onHangup` when their
 * handlers exist; on every Gather, `onData`. URLs the handler gave are never replaced, and the
 * handler's object is never changed (it may be a shared constant): changed parts are copied, with
 * every other key kept, so that validation still names a misspelt one.
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
      copied[index] = { ...action, onData: urls.dtmf };
    }
  }
  if (!setAnswer && !setHangup && copied === undefined) return model;
  const wired: Record<string, unknown> = { ...response };
  if (setAnswer) wired.onAnswer = urls!.answer;
  if (setHangup) wired.onHangup = urls!.hangup;
  if (copied !== undefined) wired.actions = copied;
  return wired;
}

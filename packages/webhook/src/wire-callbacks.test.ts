import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCallbackUrls } from './callback-urls.js';
import { wireCallbacks } from './wire-callbacks.js';

const urls = createCallbackUrls('https://u:p@hooks.example.com/base/');
const givenUrl = fc.constantFrom('https://mine.example.com/a', 'https://mine.example.com/b');
const play = fc.record({ action: fc.constant('Play' as const), url: givenUrl });
const gather = fc.record(
  {
    action: fc.constant('Gather' as const),
    onData: givenUrl,
    maxDigits: fc.integer({ min: 1, max: 5 }),
    play,
  },
  { requiredKeys: ['action'] },
);
const action = fc.oneof(play, gather, fc.constant({ action: 'Hangup' as const }));
const response = fc.record(
  { onAnswer: givenUrl, onHangup: givenUrl, actions: fc.array(action, { maxLength: 4 }) },
  { requiredKeys: [] },
);

describe('wireCallbacks', () => {
  it('makes callback URLs under the base, keeping credentials', () => {
    expect(urls).toEqual({
      answer: 'https://u:p@hooks.example.com/base/answer',
      hangup: 'https://u:p@hooks.example.com/base/hangup',
      dtmf: 'https://u:p@hooks.example.com/base/dtmf',
    });
  });

  it('fills only what is missing, keeps what was given, and never changes its input', () => {
    fc.assert(
      fc.property(
        response,
        fc.boolean(),
        fc.boolean(),
        fc.boolean(),
        (model, isNewCall, answer, hangup) => {
          const before = structuredClone(model);
          const wired = wireCallbacks(model, isNewCall, { answer, hangup }, urls) as typeof model;
          expect(model).toEqual(before);
          expect(wired.onAnswer).toBe(
            model.onAnswer ?? (isNewCall && answer ? urls.answer : undefined),
          );
          expect(wired.onHangup).toBe(
            model.onHangup ?? (isNewCall && hangup ? urls.hangup : undefined),
          );
          expect(wired.actions?.length ?? 0).toBe(model.actions?.length ?? 0);
          (model.actions ?? []).forEach((original, index) => {
            const result = wired.actions![index] as Record<string, unknown>;
            if (original.action !== 'Gather') expect(result).toBe(original);
            else {
              expect(result.onData).toBe(original.onData ?? urls.dtmf);
              expect(result.maxDigits).toBe(original.maxDigits);
              expect(result.play).toBe(original.play);
            }
          });
        },
      ),
    );
  });

  it('returns the same object when nothing is missing', () => {
    const model = { actions: [{ action: 'Gather', onData: 'https://mine.example.com/d' }] };
    expect(wireCallbacks(model, true, { answer: false, hangup: false }, urls)).toBe(model);
  });

  it('names the Gather that needs onData when no URL is known', () => {
    expect(() =>
      wireCallbacks(
        { actions: [{ action: 'Hangup' }, { action: 'Gather' }] },
        false,
        { answer: false, hangup: false },
        undefined,
      ),
    ).toThrow(/^actions\[1\]\.onData: expected a URL/);
  });
});

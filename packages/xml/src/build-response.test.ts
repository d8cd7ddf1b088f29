import type { ResponseInput } from '@siphook/schema';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  dial,
  type GatherDraft,
  gather,
  hangup,
  play,
  type ResponseDraft,
  reject,
  response,
} from './build-response.js';
import { encodeResponse } from './encode-response.js';

const ON_DATA = 'https://example.com/dtmf';
const PROMPT = 'https://example.com/menu.wav';

describe('builder', () => {
  it('returns the plain model, ready for encodeResponse', () => {
    const built = response(
      { onHangup: 'https://example.com/hangup' },
      gather({ onData: ON_DATA, maxDigits: 3 }, play(PROMPT)),
      dial('4915799912345', { callerId: '492111234567', anonymous: true }),
      dial(['4915799912345', '492111234567']),
      dial({ voicemail: true }),
      reject('busy'),
      reject(),
      hangup(),
    );
    expect(built).toEqual({
      onHangup: 'https://example.com/hangup',
      actions: [
        { action: 'Gather', onData: ON_DATA, maxDigits: 3, play: { action: 'Play', url: PROMPT } },
        {
          action: 'Dial',
          callerId: '492111234567',
          anonymous: true,
          target: { numbers: ['4915799912345'] },
        },
        { action: 'Dial', target: { numbers: ['4915799912345', '492111234567'] } },
        { action: 'Dial', target: { voicemail: true } },
        { action: 'Reject', reason: 'busy' },
        { action: 'Reject' },
        { action: 'Hangup' },
      ],
    });
    expect(encodeResponse(built)).toContain(
      '<Gather onData="https://example.com/dtmf" maxDigits="3" timeout="2000"><Play><Url>https://example.com/menu.wav</Url></Play></Gather>',
    );
  });

  it('takes actions without attributes, and no actions at all', () => {
    expect(response(play(PROMPT), hangup())).toEqual({
      actions: [{ action: 'Play', url: PROMPT }, { action: 'Hangup' }],
    });
    expect(response()).toEqual({ actions: [] });
    expect(response({ onAnswer: 'https://example.com/a' })).toEqual({
      onAnswer: 'https://example.com/a',
      actions: [],
    });
    expect(Object.keys(response({ onAnswer: undefined }, hangup()))).toEqual(['actions']);
  });

  it('copies the numbers list, so later changes do not leak into the response', () => {
    const numbers = ['4915799912345'];
    const action = dial(numbers);
    numbers.push('1');
    expect(action.target).toEqual({ numbers: ['4915799912345'] });
  });

  it('types: a complete response is a ResponseInput; a Gather without onData is a draft', () => {
    expectTypeOf(response(gather({ onData: ON_DATA }), hangup())).toEqualTypeOf<ResponseInput>();
    expectTypeOf(gather({ maxDigits: 2 })).toEqualTypeOf<GatherDraft>();
    expectTypeOf(response(gather({ maxDigits: 2 }), hangup())).toEqualTypeOf<ResponseDraft>();
    // A draft is refused at run time too: onData is required by the contract.
    expect(() => encodeResponse(response(gather({ maxDigits: 2 })) as ResponseInput)).toThrow(
      expect.objectContaining({ code: 'RESPONSE_INVALID' }),
    );
  });

  it('types forbid what the contract forbids', () => {
    // Checked by the type checker (tsc -p tsconfig.json); never run.
    const typeOnly = () => {
      // @ts-expect-error only a Play may be nested in a Gather
      gather({ onData: ON_DATA }, dial('4915799912345'));
      // @ts-expect-error only a Play may be nested in a Gather
      gather({ onData: ON_DATA }, hangup());
      // @ts-expect-error a Dial target is numbers or the voicemail, not both
      dial({ numbers: ['1'], voicemail: true });
      // @ts-expect-error voicemail: false is not a target
      dial({ voicemail: false });
      // @ts-expect-error reasons are rejected or busy
      reject('declined');
      // @ts-expect-error encodeResponse needs every Gather's onData
      encodeResponse(response(gather({ maxDigits: 2 })));
    };
    expect(typeof typeOnly).toBe('function');
  });
});

import { type DtmfEvent, type NewCallEvent, parseResponse } from '@siphook/schema';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createFlowRunner, type FlowState } from './flow-runner.js';
import { loadFlow } from './load-flow.js';

const demo = await loadFlow();
const runner = createFlowRunner(demo.flow, {
  promptUrl: (name) => `http://h/audio/${name}`,
  onData: 'http://h/dtmf',
  onAnswer: 'http://h/answer',
  onHangup: 'http://h/hangup',
});
const newCall: NewCallEvent = {
  event: 'newCall',
  callId: 'p',
  direction: 'in',
  from: '492111234567',
  to: '4915791234567',
  user: [],
  userId: [],
  fullUserId: [],
  extra: {},
};

describe('the demo flow under any sequence of keypresses', () => {
  it('answers every push with a valid response, and ends in a dial or a hangup', () => {
    const keys = fc.oneof(fc.constant(''), fc.stringMatching(/^[0-9*#]{1,3}$/));
    fc.assert(
      fc.property(fc.array(keys, { maxLength: 12 }), (presses) => {
        const state: FlowState = {};
        let response = runner.newCall(newCall, state);
        expect(() => parseResponse(response)).not.toThrow();
        for (const dtmf of presses) {
          if (state.flow === undefined) break;
          const event: DtmfEvent = { event: 'dtmf', callId: 'p', dtmf, extra: {} };
          response = runner.dtmf(event, state);
          expect(() => parseResponse(response)).not.toThrow();
          const last = response.actions.at(-1)?.action;
          // While the call waits, the last action is a Gather; once the flow is done, it is not.
          expect(last === 'Gather').toBe(state.flow !== undefined);
          if (state.flow === undefined) expect(['Dial', 'Hangup']).toContain(last);
        }
      }),
      { numRuns: 300 },
    );
  });
});

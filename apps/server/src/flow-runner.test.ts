import type { DtmfEvent, NewCallEvent } from '@siphook/schema';
import { describe, expect, it } from 'vitest';
import { createFlowRunner, type FlowState } from './flow-runner.js';
import type { FlowInput } from './flow-schema.js';
import { validateFlow } from './parse-flow.js';

const options = { promptUrl: (name: string) => `http://h/audio/${name}`, onData: 'http://h/' };

function newCall(fields: Partial<NewCallEvent> = {}): NewCallEvent {
  return {
    event: 'newCall',
    callId: 'c1',
    direction: 'in',
    from: '492111234567',
    to: '4915791234567',
    user: [],
    userId: [],
    fullUserId: [],
    extra: {},
    ...fields,
  };
}
const dtmf = (digits: string): DtmfEvent => ({
  event: 'dtmf',
  callId: 'c1',
  dtmf: digits,
  extra: {},
});
const runner = (flow: FlowInput) => createFlowRunner(validateFlow(flow), options);
const gather = (play: string, extra: Record<string, unknown> = {}) => ({
  action: 'Gather',
  type: 'dtmf',
  onData: 'http://h/',
  maxDigits: 1,
  timeout: 2000,
  play: { action: 'Play', url: `http://h/audio/${play}` },
  ...extra,
});

describe('createFlowRunner', () => {
  it('takes the first route whose match fits, and answers nothing when none does', () => {
    const flow = runner({
      routes: [
        { name: 'out', match: { direction: 'out' }, actions: ['hangup'] },
        { name: 'bonn', match: { to: '49228*', from: ['anonymous'] }, actions: ['reject'] },
        { name: 'exact', match: { to: '4915791234567' }, actions: [{ reject: 'busy' }] },
      ],
    });
    expect(flow.routeFor(newCall({ direction: 'out' }))).toBe('out');
    expect(flow.routeFor(newCall({ to: '492281234', from: 'anonymous' }))).toBe('bonn');
    expect(flow.routeFor(newCall({ to: '492281234' }))).toBeUndefined();
    const state: FlowState = {};
    expect(flow.newCall(newCall(), state)).toEqual({
      actions: [{ action: 'Reject', reason: 'busy' }],
    });
    expect(flow.newCall(newCall({ to: '4930' }), state)).toEqual({ actions: [] });
  });

  it('keeps the position of a nested gather and continues after a finished branch', () => {
    const flow = runner({
      routes: [
        {
          actions: [
            { play: 'hi.wav' },
            {
              gather: {
                play: 'menu.wav',
                branches: {
                  '1': [
                    { gather: { play: 'sub.wav', maxDigits: 2, branches: { '42': ['hangup'] } } },
                  ],
                  '2': [{ play: 'two.wav' }],
                },
              },
            },
            { play: 'after.wav' },
            { dial: ['4915799912345', '4915799912346'] },
          ],
        },
      ],
    });
    const state: FlowState = {};
    expect(flow.newCall(newCall(), state).actions).toEqual([
      { action: 'Play', url: 'http://h/audio/hi.wav' },
      gather('menu.wav'),
    ]);
    expect(flow.dtmf(dtmf('1'), state).actions).toEqual([gather('sub.wav', { maxDigits: 2 })]);
    // "7" has no branch and there is no default: the flow goes on after the inner gather, which
    // ends branch "1", so it continues after the outer gather.
    expect(flow.dtmf(dtmf('7'), state).actions).toEqual([
      { action: 'Play', url: 'http://h/audio/after.wav' },
      { action: 'Dial', target: { numbers: ['4915799912345', '4915799912346'] } },
    ]);
    expect(state.flow).toBeUndefined();
    flow.newCall(newCall(), state);
    expect(flow.dtmf(dtmf('2'), state).actions).toEqual([
      { action: 'Play', url: 'http://h/audio/two.wav' },
      { action: 'Play', url: 'http://h/audio/after.wav' },
      { action: 'Dial', target: { numbers: ['4915799912345', '4915799912346'] } },
    ]);
  });

  it('repeats a gather `retries` times on no input, then takes timeout, else default', () => {
    const flow = runner({
      routes: [
        {
          actions: [
            {
              gather: {
                play: 'menu.wav',
                retries: 2,
                branches: {
                  default: [{ play: 'invalid.wav' }, 'retry'],
                  timeout: [{ dial: { voicemail: true, anonymous: true } }],
                },
              },
            },
          ],
        },
      ],
    });
    const state: FlowState = {};
    flow.newCall(newCall(), state);
    expect(flow.dtmf(dtmf(''), state).actions).toEqual([gather('menu.wav')]);
    expect(flow.dtmf(dtmf('9'), state).actions).toEqual([
      { action: 'Play', url: 'http://h/audio/invalid.wav' },
      gather('menu.wav'),
    ]);
    expect(state.flow?.noInput).toBe(1);
    expect(flow.dtmf(dtmf(''), state).actions).toEqual([gather('menu.wav')]);
    expect(flow.dtmf(dtmf(''), state).actions).toEqual([
      { action: 'Dial', anonymous: true, target: { voicemail: true } },
    ]);
    // No position (e.g. a dtmf for a call this server never saw): an empty response.
    expect(flow.dtmf(dtmf('1'), {}).actions).toEqual([]);
  });

  it('plays absolute URLs as given', () => {
    const flow = runner({ routes: [{ actions: [{ play: 'https://cdn.example/x.wav' }] }] });
    expect(flow.newCall(newCall(), {}).actions).toEqual([
      { action: 'Play', url: 'https://cdn.example/x.wav' },
    ]);
  });

  it('names the branch a dtmf push takes, before the push moves the call on', () => {
    const flow = runner({
      routes: [
        {
          name: 'menu',
          actions: [
            {
              gather: {
                play: 'menu.wav',
                retries: 1,
                branches: { '1': ['hangup'], default: ['retry'], timeout: ['reject'] },
              },
            },
          ],
        },
      ],
      prompts: '.',
    } as FlowInput);
    const state: FlowState = {};
    expect(flow.branchFor(dtmf('1'), state)).toBeUndefined();
    flow.newCall(newCall(), state);
    expect(flow.branchFor(dtmf('1'), state)).toBe('1');
    expect(flow.branchFor(dtmf('7'), state)).toBe('default');
    expect(flow.branchFor(dtmf(''), state)).toBe('retry');
    flow.dtmf(dtmf(''), state);
    expect(flow.branchFor(dtmf(''), state)).toBe('timeout');
    expect(flow.dtmf(dtmf(''), state)).toEqual({
      actions: [{ action: 'Reject', reason: 'rejected' }],
    });
  });
});

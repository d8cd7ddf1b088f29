import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { exchange, newCall } from '../test/exchanges.js';
import type { CallDetail, PushRecord } from './call-record.js';
import { exportScenario } from './export-scenario.js';
import { createNumberHasher, hashRecordNumbers } from './hash-numbers.js';
import { decodePushRecord, toPushRecord } from './push-exchange.js';
import { summarizeCall } from './summarize-call.js';

const ON_DATA = 'http://127.0.0.1:3000/dtmf';
const GATHER = { actions: [{ action: 'Gather' as const, onData: ON_DATA, maxDigits: 1 }] };

function detailOf(records: ReturnType<typeof toPushRecord>[]): CallDetail {
  const pushes: PushRecord[] = records.map((record, index) => decodePushRecord(record, index + 1));
  return { call: summarizeCall(pushes)!, pushes };
}

function scenarioOf(detail: CallDetail): Record<string, unknown> {
  const file = parse(exportScenario(detail)) as { calls: Record<string, unknown>[] };
  expect(file.calls).toHaveLength(1);
  return file.calls[0]!;
}

describe('exportScenario', () => {
  it('replays the newCall fields and each dtmf, and expects the Dial and the cause', () => {
    const detail = detailOf([
      toPushRecord(
        exchange(newCall('c-1', { user: ['Alice', 'Bob'], diversion: '4930123' }), GATHER),
      ),
      toPushRecord(exchange({ event: 'dtmf', callId: 'c-1', dtmf: '' }, GATHER)),
      toPushRecord(
        exchange(
          { event: 'dtmf', callId: 'c-1', dtmf: '07' },
          { actions: [{ action: 'Dial', target: { numbers: ['4915799912345'] } }] },
        ),
      ),
      toPushRecord(
        exchange({
          event: 'answer',
          callId: 'c-1',
          user: 'Alice',
          answeringNumber: '4915799912345',
        }),
      ),
      toPushRecord(exchange({ event: 'hangup', callId: 'c-1', cause: 'normalClearing' })),
    ]);
    const text = exportScenario(detail);
    expect(text).toMatch(/^# call c-1, \d{4}-\d\d-\d\dT.*outcome dialed\n/);
    // Digits stay text: "07" must not become the number 7.
    expect(text).toContain('- "07"');
    expect(scenarioOf(detail)).toEqual({
      name: 'call c-1',
      from: '492111234567',
      to: '4915791234567',
      direction: 'in',
      user: ['Alice', 'Bob'],
      diversion: '4930123',
      dtmf: ['', '07'],
      expect: { dials: '4915799912345', hangsUpWith: 'normalClearing', gathers: 2 },
    });
  });

  it('expects a Reject, and a busy dialled party as the cause', () => {
    const rejected = detailOf([
      toPushRecord(
        exchange(newCall('r', { from: 'anonymous' }), {
          actions: [{ action: 'Reject', reason: 'busy' }],
        }),
      ),
    ]);
    expect(scenarioOf(rejected)).toMatchObject({
      from: 'anonymous',
      expect: { rejects: 'busy', gathers: 0 },
    });
    const busy = detailOf([
      toPushRecord(
        exchange(newCall('b'), { actions: [{ action: 'Dial', target: { voicemail: true } }] }),
      ),
      toPushRecord(exchange({ event: 'hangup', callId: 'b', cause: 'busy' })),
    ]);
    expect(scenarioOf(busy)).toMatchObject({
      cause: 'busy',
      expect: { dials: 'voicemail', hangsUpWith: 'busy' },
    });
  });

  it('says when the flow runs out of actions, and skips the gather count of an unanswered Gather', () => {
    const continues = detailOf([
      toPushRecord(
        exchange(newCall('c'), { actions: [{ action: 'Play', url: 'http://x.test/a.wav' }] }),
      ),
      toPushRecord(exchange({ event: 'hangup', callId: 'c', cause: 'cancel' })),
    ]);
    expect(scenarioOf(continues)).toMatchObject({
      cause: 'cancel',
      expect: { continues: true, gathers: 0 },
    });
    const waiting = detailOf([toPushRecord(exchange(newCall('w'), GATHER))]);
    const text = exportScenario(waiting);
    expect(text).toContain('# the call ended while a Gather waited for digits');
    expect(scenarioOf(waiting)['expect']).toBeUndefined();
  });

  it('leaves hashed numbers to the simulator defaults, and says so', () => {
    const hash = createNumberHasher('salt');
    const detail = detailOf([
      hashRecordNumbers(
        toPushRecord(exchange(newCall('h'), { actions: [{ action: 'Hangup' }] })),
        hash,
      ),
    ]);
    const text = exportScenario(detail);
    expect(text).toMatch(/# from is stored hashed \(0000\d{11}\)/);
    const call = scenarioOf(detail);
    expect(call['from']).toBeUndefined();
    expect(call['to']).toBeUndefined();
  });
});

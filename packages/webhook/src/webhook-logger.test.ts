import { afterEach, describe, expect, it, vi } from 'vitest';
import { createJsonLogger, describeError } from './webhook-logger.js';

afterEach(() => {
  vi.restoreAllMocks();
});

function captureConsole(): string[] {
  const written: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((line: unknown) => {
    written.push(String(line));
  });
  return written;
}

describe('the default JSON logger', () => {
  it('writes one JSON line per entry from its level up, with child bindings', () => {
    const written = captureConsole();
    const logger = createJsonLogger('info');
    logger.debug({ a: 1 }, 'hidden');
    logger.info({ a: 1 }, 'shown');
    logger.child({ callId: 'c1' }).warn({ b: 2 }, 'child');
    const lines = written.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toEqual([
      { level: 30, time: expect.any(Number), a: 1, msg: 'shown' },
      { level: 40, time: expect.any(Number), callId: 'c1', b: 2, msg: 'child' },
    ]);
    expect([logger.isLevelEnabled?.('debug'), logger.isLevelEnabled?.('error')]).toEqual([
      false,
      true,
    ]);
  });

  it('never throws on fields JSON cannot write (a cycle, a BigInt)', () => {
    const written = captureConsole();
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(() => createJsonLogger().error({ cycle, big: 1n }, 'still logged')).not.toThrow();
    expect(JSON.parse(written[0]!)).toEqual({
      level: 50,
      time: expect.any(Number),
      msg: 'still logged',
    });
  });
});

describe('describeError', () => {
  it('copies what it can read, and names what it cannot', () => {
    expect(describeError(new TypeError('boom'))).toMatchObject({
      type: 'TypeError',
      message: 'boom',
    });
    const hostile = new Proxy(
      {},
      {
        get: () => {
          throw new Error('no');
        },
      },
    );
    expect(describeError(hostile)).toMatchObject({ type: 'Error', message: expect.any(String) });
    expect(describeError('text')).toMatchObject({ type: 'string', message: 'text' });
  });
});

import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogDestination } from './log-destination.js';

// The crash tests run the built module in a child (turbo builds the package before its tests).
const built = fileURLToPath(new URL('../dist/log-destination.js', import.meta.url));

describe('createLogDestination', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'siphook-log-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const lines = (file: string): Record<string, unknown>[] =>
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);

  it('writes the lines of one event-loop turn together at its end, complete and in order', async () => {
    const file = path.join(dir, 'turn.log');
    const fd = openSync(file, 'w');
    const destination = createLogDestination(fd);
    const logger = pino({ base: undefined }, destination);
    for (let i = 0; i < 3; i++) logger.info({ callId: `c${i}`, status: 200 }, 'push answered');
    expect(readFileSync(file, 'utf8')).toBe('');
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines(file).map((line) => [line.callId, line.status, line.msg])).toEqual([
      ['c0', 200, 'push answered'],
      ['c1', 200, 'push answered'],
      ['c2', 200, 'push answered'],
    ]);
    logger.info('after');
    logger.flush();
    expect(lines(file).at(-1)?.msg).toBe('after');
    destination.end();
    logger.info('after end');
    expect(lines(file).at(-1)?.msg).toBe('after end');
    closeSync(fd);
  });

  it('writes at once when a turn gathers more than 64 KiB', () => {
    const file = path.join(dir, 'big.log');
    const fd = openSync(file, 'w');
    const destination = createLogDestination(fd);
    const logger = pino({ base: undefined }, destination);
    const text = 'x'.repeat(1000);
    for (let i = 0; i < 100; i++) logger.info({ text }, 'big');
    expect(lines(file).length).toBeGreaterThanOrEqual(60);
    destination.end();
    expect(lines(file)).toHaveLength(100);
    closeSync(fd);
  });

  it.each([
    ['an uncaught exception', 'throw new Error("boom")', 1],
    ['process.exit()', 'process.exit(3)', 3],
  ])('keeps the lines logged in the same turn as %s', (_name, ending, code) => {
    expect(existsSync(built)).toBe(true);
    const file = path.join(dir, `exit-${code}.log`);
    const script = `
      import { openSync } from 'node:fs';
      import { pino } from 'pino';
      import { createLogDestination } from ${JSON.stringify(built)};
      const logger = pino({ base: undefined }, createLogDestination(openSync(${JSON.stringify(file)}, 'w')));
      logger.info({ callId: 'c1' }, 'push answered');
      logger.error('last words');
      ${ending};
    `;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      encoding: 'utf8',
    });
    expect(child.status, child.stderr).toBe(code);
    expect(lines(file).map((line) => line.msg)).toEqual(['push answered', 'last words']);
  });
});

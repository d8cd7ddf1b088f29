import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isSiphookError, SiphookError } from '@siphook/schema';
import { describe, expect, it } from 'vitest';
import { loadScenarioFile, parseScenario, parseScenarioFile } from './scenario.js';

function errorOf(run: () => unknown): SiphookError {
  try {
    run();
  } catch (error) {
    if (error instanceof SiphookError) return error;
    throw error;
  }
  throw new Error('expected a SiphookError');
}

describe('parseScenario', () => {
  it('fills in the documented defaults', () => {
    expect(parseScenario({})).toEqual({
      from: '492111234567',
      to: '4915791234567',
      direction: 'in',
      user: ['Alice'],
      dtmf: [],
      cause: 'normalClearing',
      talkSeconds: 0,
      expect: {},
    });
  });

  it('keeps digits written as YAML numbers as the digits they were, and one user as a list', () => {
    const scenario = parseScenario({
      dtmf: [1, '23', ''],
      user: 'Bob',
      expect: { dials: '4915799912345' },
    });
    expect(scenario.dtmf).toEqual(['1', '23', '']);
    expect(scenario.user).toEqual(['Bob']);
    expect(scenario.expect.dials).toEqual(['4915799912345']);
  });

  it('names each bad field, what it expected and what it received', () => {
    const error = errorOf(() =>
      parseScenario({ from: '+49 211', dtmf: ['1x'], direction: 'sideways', colour: 'red' }),
    );
    expect(error.code).toBe('SCENARIO_INVALID');
    const paths = error.issues.map((issue) => issue.path).sort();
    expect(paths).toEqual(['colour', 'direction', 'dtmf[0]', 'from']);
    expect(error.message).toContain(
      'from: expected a number without "+" (digits), "anonymous", or a SIP ID such as 1234567e0 (digits, a letter, digits); received "+49 211"',
    );
  });
});

describe('parseScenarioFile', () => {
  it('reads several calls, with defaults and base flags under each call', () => {
    const text = [
      'defaults:',
      '  from: "4930123456"',
      'calls:',
      '  - name: sales',
      '    dtmf: [1]',
      '    expect: { dials: "4915799912345", playsAtLeastSeconds: 2 }',
      '  - name: busy',
      '    from: "4940123456"',
      '    expect: { rejects: busy, hangsUpWith: busy, gathers: 0 }',
    ].join('\n');
    const calls = parseScenarioFile(text, { user: ['Carol'], from: '491' });
    expect(calls.map((call) => [call.name, call.from, call.user[0]])).toEqual([
      ['sales', '4930123456', 'Carol'],
      ['busy', '4940123456', 'Carol'],
    ]);
    expect(calls[1]?.expect).toEqual({ rejects: 'busy', hangsUpWith: 'busy', gathers: 0 });
  });

  it('reports YAML syntax errors with line:column', () => {
    const error = errorOf(() => parseScenarioFile('calls:\n  - name: a\n    dtmf: [1\n'));
    expect(error.code).toBe('SCENARIO_INVALID');
    expect(error.message).toMatch(/YAML syntax error at \d+:\d+/);
  });

  it('reports a bad field of the second call by its path', () => {
    const error = errorOf(() =>
      parseScenarioFile('calls:\n  - {}\n  - expect: { rejects: maybe }\n'),
    );
    expect(error.issues.map((issue) => issue.path)).toEqual(['calls[1].expect.rejects']);
    expect(error.message).toContain('expected "busy" or "rejected"; received "maybe"');
  });

  it('refuses a file without calls and alias bombs', () => {
    expect(errorOf(() => parseScenarioFile('calls: []\n')).message).toContain('at least one call');
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let level = 1; level < 9; level++) {
      const previous = String.fromCharCode(96 + level);
      const next = String.fromCharCode(97 + level);
      bomb.push(`${next}: &${next} [${Array(10).fill(`*${previous}`).join(', ')}]`);
    }
    bomb.push('calls: [{}]');
    expect(() => parseScenarioFile(bomb.join('\n'))).toThrow();
  });

  it('loads from disk and reports a missing file as SCENARIO_READ_FAILED', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'siphook-scenario-'));
    const file = path.join(dir, 'calls.yaml');
    await writeFile(file, 'calls:\n  - dtmf: ["2"]\n');
    expect((await loadScenarioFile(file))[0]?.dtmf).toEqual(['2']);
    const error = await loadScenarioFile(path.join(dir, 'nope.yaml')).catch((e: unknown) => e);
    expect(isSiphookError(error, 'SCENARIO_READ_FAILED')).toBe(true);
  });
});

// CONVENTIONS.md: an error message repeats what it received truncated to about 80 characters.
// Every command is run with a 5000-character path (or value) and must say what went wrong on
// stderr without repeating the whole value.
import { describe, expect, it } from 'vitest';
import { MAX_ECHO } from '../src/clip.js';
import { run } from './cli-harness.js';

const LONG_PATH = `/tmp/siphook-missing/${'d/'.repeat(2485)}prompt.wav`;
const SPACED_PATH = `/tmp/siphook missing/${'a folder/'.repeat(550)}prompt.xml`;

/** The longest run of `value` that `text` repeats, measured on its first 200 characters. */
function longestEcho(text: string, value: string): number {
  let length = 0;
  while (length < 200 && text.includes(value.slice(0, length + 1))) length++;
  return length;
}

const cases: { name: string; argv: string[]; value: string; code: number }[] = [
  { name: 'wav check', argv: ['wav', 'check', LONG_PATH], value: LONG_PATH, code: 2 },
  { name: 'wav check (spaces)', argv: ['wav', 'check', SPACED_PATH], value: SPACED_PATH, code: 2 },
  { name: 'wav info', argv: ['wav', 'info', LONG_PATH], value: LONG_PATH, code: 2 },
  {
    name: 'wav convert input',
    argv: ['wav', 'convert', LONG_PATH, '-o', '/tmp/siphook-never.wav'],
    value: LONG_PATH,
    code: 2,
  },
  {
    name: 'wav convert output folder',
    argv: ['wav', 'convert', LONG_PATH, LONG_PATH, '-o', `${LONG_PATH}/`],
    value: LONG_PATH,
    code: 2,
  },
  { name: 'xml check', argv: ['xml', 'check', LONG_PATH], value: LONG_PATH, code: 2 },
  { name: 'xml check (spaces)', argv: ['xml', 'check', SPACED_PATH], value: SPACED_PATH, code: 2 },
  { name: 'serve-audio', argv: ['serve-audio', LONG_PATH], value: LONG_PATH, code: 2 },
  {
    name: 'server --flow',
    argv: ['server', '--port', '0', '--flow', LONG_PATH],
    value: LONG_PATH,
    code: 2,
  },
  { name: 'server --port', argv: ['server', '--port', LONG_PATH], value: LONG_PATH, code: 2 },
  { name: 'simulate target', argv: ['simulate', LONG_PATH], value: LONG_PATH, code: 2 },
  {
    name: 'simulate --sign-key',
    argv: ['simulate', 'http://127.0.0.1:9/', '--sign-key', LONG_PATH],
    value: LONG_PATH,
    code: 2,
  },
  { name: 'unknown command', argv: [LONG_PATH], value: LONG_PATH, code: 2 },
  { name: 'unknown option', argv: ['wav', 'check', `--${LONG_PATH}`], value: LONG_PATH, code: 2 },
  {
    name: 'bad option value',
    argv: ['wav', 'check', '--timeout', LONG_PATH, 'x.wav'],
    value: LONG_PATH,
    code: 2,
  },
];

describe('error messages clip long values', () => {
  it.each(cases)('$name', async ({ argv, value, code }) => {
    const result = await run(argv);
    expect(result.code).toBe(code);
    expect(result.stderr).not.toBe('');
    expect(longestEcho(result.stderr, value)).toBeLessThanOrEqual(MAX_ECHO);
    expect(longestEcho(result.stdout, value)).toBeLessThanOrEqual(MAX_ECHO);
    for (const line of result.stderr.split('\n')) expect(line.length).toBeLessThan(500);
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { capture, run } from '../test/cli-harness.js';
import { ExitCode } from './context.js';
import { createProgram } from './run-cli.js';

const { version } = JSON.parse(
  readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
) as { version: string };

const context = () => ({
  stdout: capture(),
  stderr: capture(),
  signal: new AbortController().signal,
  setExitCode: () => {},
});

describe('siphook --version and --help', () => {
  it('answers --version and -v without loading a command module', async () => {
    for (const flag of ['--version', '-v']) {
      const program = await createProgram(context(), [flag]);
      expect(program.commands.map((command) => command.name())).toEqual([]);
      const result = await run([flag]);
      expect(result).toEqual({ code: ExitCode.ok, stdout: `${version}\n`, stderr: '' });
    }
  });

  it('loads every command for --help, and only the named one for a command', async () => {
    const help = await createProgram(context(), ['--help']);
    expect(help.commands.map((command) => command.name())).toEqual([
      'wav',
      'xml',
      'tts',
      'serve-audio',
      'server',
      'simulate',
      'demo',
    ]);
    const xml = await createProgram(context(), ['xml', 'check']);
    expect(xml.commands.map((command) => command.name())).toEqual(['xml']);
    const result = await run(['--help']);
    expect(result.code).toBe(ExitCode.ok);
    expect(result.stdout).toMatch(/simulate/);
  });
});

/**
 * The `command` engine: any program, from a template such as
 * `piper --model de.onnx --output_file {out}`. The text goes to stdin as UTF-8; `{out}` becomes
 * the file to write (left out, the program's stdout is taken as the audio) and `{voice}` the voice.
 * The template is split like a shell would (quotes, backslashes, `$VAR`) but run without one.
 */
import { isAbsolute, resolve } from 'node:path';
import { createIssue, describeReceived, SiphookError } from '@siphook/schema/errors';
import { parse } from 'shell-quote';
import which from 'which';
import { lastLine, runEngineProcess } from './run-engine-process.js';
import type { TtsEngine } from './tts-engine.js';

const OUT = '{out}';
const VOICE = '{voice}';
const TEMPLATE_EXPECTED =
  'a program and its arguments, e.g. "piper --model de.onnx --output_file {out}" (no shell operators such as |, >, ;, &&, globs or comments; for a pipeline use sh -c \'…\')';

/**
 * Splits a command template into program and arguments, expanding `$VAR` from the environment.
 *
 * @throws {SiphookError} `OPTIONS_INVALID` for an empty template or one with shell operators.
 * @example
 * parseCommandTemplate('piper --model "my voice.onnx" -f {out}') // ['piper', '--model', 'my voice.onnx', '-f', '{out}']
 */
export function parseCommandTemplate(
  template: string,
  env: NodeJS.ProcessEnv = process.env,
): string[] {
  const words: string[] = [];
  for (const entry of parse(template, (name) => env[name] ?? '')) {
    if (typeof entry !== 'string') {
      const issue = createIssue('FIELD_INVALID', 'command', TEMPLATE_EXPECTED, template);
      throw new SiphookError('OPTIONS_INVALID', issue.message, { issues: [issue] });
    }
    words.push(entry);
  }
  if (words.length === 0 || words[0] === '') {
    const issue = createIssue('FIELD_INVALID', 'command', TEMPLATE_EXPECTED, template);
    throw new SiphookError('OPTIONS_INVALID', issue.message, { issues: [issue] });
  }
  return words;
}

/**
 * The command engine for a template; its program is looked up now, so a missing one is reported
 * before any text is spoken.
 *
 * @throws {SiphookError} `OPTIONS_INVALID` (template), `TTS_ENGINE_NOT_FOUND` (program).
 */
export async function createCommandEngine(template: string): Promise<TtsEngine> {
  const words = parseCommandTemplate(template);
  const [name, ...args] = words as [string, ...string[]];
  // A name with a slash is a path (relative to the working directory); otherwise it is looked up on PATH.
  const lookup = name.includes('/') || isAbsolute(name) ? resolve(name) : name;
  const program = await which(lookup, { nothrow: true });
  if (program === null) {
    throw new SiphookError(
      'TTS_ENGINE_NOT_FOUND',
      `command engine: the program ${describeReceived(name)} of ${describeReceived(template)} was not found${lookup === name ? ' on PATH' : ''} or is not executable; install it or give its full path`,
      { engine: 'command', program: name, template },
    );
  }
  const toStdout = !words.some((word) => word.includes(OUT));
  const label = `command (${name})`;
  return {
    name: label,
    id: `command:${JSON.stringify([program, ...args])}`,
    voices: async () => undefined,
    async speak({ text, voice, output, timeoutMs, signal }) {
      const outcome = await runEngineProcess({
        engine: label,
        program,
        args: args.map((arg) => arg.replaceAll(OUT, output).replaceAll(VOICE, voice)),
        input: text,
        timeoutMs,
        signal,
        stdoutFile: toStdout ? output : undefined,
      });
      if (outcome.code === 0) return;
      throw new SiphookError(
        'TTS_ENGINE_FAILED',
        `${label} exited with ${outcome.code === null ? `signal ${outcome.signal}` : `code ${outcome.code}`}: ${lastLine(outcome.stderr) || 'no message'}`,
        { engine: 'command', program, code: outcome.code, stderr: outcome.stderr },
      );
    },
  };
}

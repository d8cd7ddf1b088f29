// `--engine NAME` and `--engine-cmd TEMPLATE` (`siphook tts`), `--tts-engine` and
// `--tts-engine-cmd` (`siphook server`): one engine spec for @siphook/tts.
import { ENGINE_NAMES, type EngineSpec } from '@siphook/tts';
import { InvalidArgumentError } from 'commander';

/** The engine names the options accept, for commander's `.choices()`. */
export const ENGINE_CHOICES: readonly string[] = ENGINE_NAMES;

/**
 * The engine spec for an `--engine` name and an `--engine-cmd` template: a template alone means
 * the command engine; `command` needs a template, and the other engines take none.
 *
 * @throws {InvalidArgumentError} for a combination that does not fit (a usage error, exit 2).
 */
export function engineSpecOf(
  engine: string | undefined,
  command: string | undefined,
  flags: { engine: string; command: string },
): EngineSpec {
  const name = engine ?? (command === undefined ? 'espeak-ng' : 'command');
  if (name === 'command') {
    if (command === undefined || command.trim() === '')
      throw new InvalidArgumentError(
        `${flags.engine} command needs ${flags.command} 'program … {out}' (the text goes to its stdin)`,
      );
    return { name: 'command', command };
  }
  if (command !== undefined)
    throw new InvalidArgumentError(
      `${flags.command} is for ${flags.engine} command; received ${flags.engine} ${name}`,
    );
  return name === 'espeak-ng-emscripten' ? 'espeak-ng-emscripten' : 'espeak-ng';
}

import { createRequire } from 'node:module';
import { Command, CommanderError } from 'commander';
import { clipMessage } from './clip.js';
import { commands } from './commands/index.js';
import { type CommandContext, ExitCode, exitCodeFor, type Output } from './context.js';

const { version } = createRequire(import.meta.url)('../package.json') as { version: string };

/** Streams and a shutdown signal for one CLI run; defaults to the process's own. */
export interface CliOptions {
  stdout?: Output;
  stderr?: Output;
  signal?: AbortSignal;
}

/** `siphook --version` / `-v`: answered without loading any command module. */
const VERSION_FLAGS = new Set(['-v', '--version']);

/**
 * Builds the `siphook` program. With `argv`, only the subcommand it names is loaded (all of them
 * when it names none, so that help and "unknown command" errors see every command), and none
 * for `--version`, which needs only package.json.
 */
export async function createProgram(
  context: CommandContext,
  argv: readonly string[] = [],
  reporting: { reported: boolean } = { reported: false },
): Promise<Command> {
  const program = new Command('siphook')
    .description(
      'Toolkit for the sipgate.io push API: WAV prompts, prompts from text, XML responses, audio hosting, webhook server and simulator.',
    )
    .version(version, '-v, --version', 'print the siphook version')
    .helpOption('-h, --help', 'show help for a command')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => context.stdout.write(text),
      writeErr: (text) => context.stderr.write(text),
      // Commander quotes the offending argument or option value whole: clip it like ours.
      outputError: (text, write) => {
        reporting.reported = true;
        write(clipMessage(text));
      },
    });
  if (argv[0] !== undefined && VERSION_FLAGS.has(argv[0])) return program;
  const named = commands.find((command) => command.name === argv[0]);
  const registers = await Promise.all(
    (named ? [named] : commands).map((command) => command.load()),
  );
  for (const register of registers) register(program, context);
  return program;
}

/**
 * Runs the CLI on `argv` (without the node and script entries) and resolves with the exit status.
 * Long-running commands resolve once they are listening; the open server keeps the process alive.
 */
export async function runCli(argv: string[], options: CliOptions = {}): Promise<ExitCode> {
  let exitCode: ExitCode = ExitCode.ok;
  const context: CommandContext = {
    stdout: options.stdout ?? process.stdout,
    stderr: options.stderr ?? process.stderr,
    signal: options.signal ?? new AbortController().signal,
    setExitCode: (code) => {
      if (code > exitCode) exitCode = code;
    },
  };
  const reporting = { reported: false };
  const program = await createProgram(context, argv, reporting);
  if (argv.length === 0) {
    context.stdout.write(program.helpInformation());
    return ExitCode.ok;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      const done = ['commander.helpDisplayed', 'commander.version', 'commander.help'];
      if (done.includes(error.code)) return ExitCode.ok;
      // An InvalidArgumentError thrown inside an action has not been printed by commander.
      if (!reporting.reported) context.stderr.write(`siphook: ${clipMessage(error.message)}\n`);
      return ExitCode.usage;
    }
    const message = error instanceof Error ? error.message : String(error);
    context.stderr.write(`siphook: ${clipMessage(message)}\n`);
    return exitCodeFor(error);
  }
  return exitCode;
}

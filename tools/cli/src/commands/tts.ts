import { type FileHandle, open } from 'node:fs/promises';
import { isSiphookError, SiphookError } from '@siphook/schema/errors';
import { DEFAULT_TIMEOUT_MS, DEFAULT_VOICE, type SynthesizeResult, synthesize } from '@siphook/tts';
import { InvalidArgumentError, Option } from 'commander';
import { clipMessage } from '../clip.js';
import { type CommandContext, ExitCode, exitCodeFor, type RegisterCommand } from '../context.js';
import { ENGINE_CHOICES, engineSpecOf } from '../engine-spec.js';
import { readBounded, readStdin } from '../read-bounded.js';

/** Flags of `siphook tts`, as commander hands them over. */
interface TtsFlags {
  output: string;
  file?: string;
  voice: string;
  engine?: string;
  engineCmd?: string;
  timeout: number;
  json?: boolean;
}

/** What `--json` prints. */
export type TtsOutcome =
  | ({ ok: true } & Pick<
      SynthesizeResult,
      'engine' | 'voice' | 'output' | 'durationSeconds' | 'gainDb' | 'trimmedSeconds'
    >)
  | { ok: false; output: string; error: { code: string; message: string } };

/** Most bytes of text read from a file or stdin: 2000 characters are at most 8000 bytes of UTF-8. */
const MAX_TEXT_BYTES = 64 * 1024;
const UTF8 = new TextDecoder('utf-8', { fatal: true });

const parseMs = (value: string): number => {
  if (!/^[1-9][0-9]*$/.test(value))
    throw new InvalidArgumentError(`expected milliseconds (an integer > 0); received "${value}"`);
  return Number(value);
};

/** The usage problem of a run, printed as it is and exit status 2. */
class UsageError extends Error {}

/**
 * `siphook tts [text] -o prompt.wav`: speaks the text (an argument, `--file`, or standard input)
 * into a Play prompt with @siphook/tts.
 */
export const registerTts: RegisterCommand = (program, context) => {
  program
    .command('tts')
    .description(
      'speak text into a Play prompt (8 kHz mono 16-bit PCM WAV) with espeak-ng or another engine',
    )
    .argument('[text]', 'the text; left out, it is read from --file or standard input')
    .requiredOption('-o, --output <file>', 'the prompt to write (atomically)')
    .option('-f, --file <path>', 'read the text from this UTF-8 file (- for standard input)')
    .option('--voice <name>', 'voice, e.g. de, en, en-us', DEFAULT_VOICE)
    .addOption(
      new Option('--engine <name>', 'speech engine (default espeak-ng)').choices(ENGINE_CHOICES),
    )
    .option(
      '--engine-cmd <template>',
      "the command engine's program, e.g. 'piper --model de.onnx --output_file {out}'; text on stdin",
    )
    .option('--timeout <ms>', 'stop an engine that takes longer', parseMs, DEFAULT_TIMEOUT_MS)
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      [
        '',
        'Every prompt is brought to a -3 dBFS peak and its silence cut to 0.1 s at each end.',
        'espeak-ng is the Debian package espeak-ng (apt-get install espeak-ng), or ESPEAK_NG_PATH.',
        'Exit status: 0 written, 1 the text is not speakable (empty, over 2000 characters, control',
        'characters), 2 usage error, missing engine, unknown voice, engine failure or I/O error.',
      ].join('\n'),
    )
    .action(async (text: string | undefined, flags: TtsFlags) => {
      await runTts(text, flags, context);
    });
};

async function runTts(
  argument: string | undefined,
  flags: TtsFlags,
  context: CommandContext,
): Promise<void> {
  let outcome: TtsOutcome;
  try {
    const engine = engineSpecOf(flags.engine, flags.engineCmd, {
      engine: '--engine',
      command: '--engine-cmd',
    });
    const text = await readText(argument, flags.file);
    const result = await synthesize(text, {
      voice: flags.voice,
      engine,
      output: flags.output,
      timeoutMs: flags.timeout,
      signal: context.signal,
    });
    const { engine: name, voice, output, durationSeconds, gainDb, trimmedSeconds } = result;
    outcome = { ok: true, engine: name, voice, output, durationSeconds, gainDb, trimmedSeconds };
  } catch (error) {
    if (error instanceof UsageError || error instanceof InvalidArgumentError) {
      context.stderr.write(`siphook tts: ${clipMessage(error.message, [flags.file ?? ''])}\n`);
      context.setExitCode(ExitCode.usage);
      return;
    }
    if (!isSiphookError(error)) throw error;
    context.setExitCode(exitCodeFor(error));
    outcome = {
      ok: false,
      output: flags.output,
      error: { code: error.code, message: error.message },
    };
  }
  if (flags.json === true) {
    context.stdout.write(`${JSON.stringify(outcome, null, 2)}\n`);
    return;
  }
  if (!outcome.ok) {
    context.stderr.write(
      `siphook tts: ${clipMessage(outcome.error.message, [flags.output, flags.file ?? ''])}\n`,
    );
    return;
  }
  const parts = [
    `${outcome.durationSeconds.toFixed(2)} s`,
    outcome.engine,
    `voice ${outcome.voice}`,
  ];
  if (outcome.gainDb !== 0)
    parts.push(`gain ${outcome.gainDb > 0 ? '+' : ''}${outcome.gainDb.toFixed(1)} dB`);
  context.stdout.write(`${outcome.output}: ${parts.join(', ')}\n`);
}

/** The text from the argument, the file, or standard input (exactly one of them). */
async function readText(argument: string | undefined, file: string | undefined): Promise<string> {
  if (argument !== undefined && file !== undefined)
    throw new UsageError('give the text as an argument or with --file, not both');
  if (argument !== undefined) return argument;
  let bytes: Uint8Array | undefined;
  let source: string;
  if (file === undefined || file === '-') {
    if (file === undefined && process.stdin.isTTY === true)
      throw new UsageError('no text: give it as an argument, with --file, or on standard input');
    source = 'standard input';
    bytes = await readStdin(MAX_TEXT_BYTES);
  } else {
    source = file;
    let handle: FileHandle | undefined;
    try {
      handle = await open(file, 'r');
      bytes = await readBounded(handle, MAX_TEXT_BYTES);
    } catch (error) {
      const { code, message } = error as NodeJS.ErrnoException;
      throw new UsageError(
        `cannot read --file ${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : message}`,
      );
    } finally {
      await handle?.close();
    }
  }
  if (bytes === undefined)
    throw new SiphookError(
      'TTS_TEXT_INVALID',
      `text: expected at most 2000 characters to speak; ${source} holds more than ${MAX_TEXT_BYTES} bytes`,
      { source },
    );
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch {
    throw new SiphookError(
      'TTS_TEXT_INVALID',
      `text: expected UTF-8 text; ${source} is not valid UTF-8`,
      { source },
    );
  }
  // A file usually ends with a line break; it is not part of what is said.
  return text.replace(/^\uFEFF/, '').replace(/\r?\n$/, '');
}

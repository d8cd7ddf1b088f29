import { type FileHandle, open } from 'node:fs/promises';
import { checkResponse, DEFAULT_MAX_BYTES, DEFAULT_MAX_DEPTH, type XmlProblem } from '@siphook/xml';
import { type Command, InvalidArgumentError } from 'commander';
import { clipMessage } from '../clip.js';
import { type CommandContext, ExitCode } from '../context.js';
import { readBounded, readStdin } from '../read-bounded.js';

/** The verdict for one document of `siphook xml check`, as printed with --json. */
export interface XmlCheckOutcome {
  /** The path as given; standard input (`-`) is named `<stdin>`, in text and JSON alike. */
  file: string;
  valid: boolean;
  problems: XmlProblem[];
  /** The actions of a valid response, in order. */
  actions?: string[];
  /** Set when the document could not be read at all (missing file, I/O error): exit status 2. */
  error?: { code: string; message: string };
}

interface CheckOptions {
  json?: boolean;
  maxBytes: number;
  maxDepth: number;
}

function parsePositive(value: string): number {
  if (!/^[1-9][0-9]*$/.test(value)) {
    throw new InvalidArgumentError(`expected a whole number >= 1; received "${value}"`);
  }
  return Number(value);
}

function tooLarge(file: string, size: string, maxBytes: number): XmlCheckOutcome {
  return {
    file,
    valid: false,
    problems: [
      {
        code: 'XML_TOO_LARGE',
        message: `document is ${size} bytes; the limit is ${maxBytes} bytes (option --max-bytes)`,
        line: 1,
        column: 1,
        path: '/',
      },
    ],
  };
}

async function readDocument(file: string, maxBytes: number): Promise<Uint8Array | XmlCheckOutcome> {
  if (file === '-')
    return (await readStdin(maxBytes)) ?? tooLarge(file, `more than ${maxBytes}`, maxBytes);
  let handle: FileHandle | undefined;
  try {
    handle = await open(file, 'r');
    const stats = await handle.stat();
    // A regular file's size is known up front; anything else is read up to the limit.
    if (stats.isFile() && stats.size > maxBytes)
      return tooLarge(file, String(stats.size), maxBytes);
    return (
      (await readBounded(handle, maxBytes)) ?? tooLarge(file, `more than ${maxBytes}`, maxBytes)
    );
  } catch (error) {
    const { code = 'IO_ERROR', message } = error as NodeJS.ErrnoException;
    const reason =
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : message;
    return {
      file,
      valid: false,
      problems: [],
      error: { code, message: clipMessage(`cannot read ${file}: ${reason}`, [file]) },
    };
  } finally {
    await handle?.close();
  }
}

/** How standard input is named in every output. */
const STDIN_NAME = '<stdin>';

async function checkDocument(path: string, options: CheckOptions): Promise<XmlCheckOutcome> {
  const file = path === '-' ? STDIN_NAME : path;
  const read = await readDocument(path, options.maxBytes);
  if (!(read instanceof Uint8Array)) return { ...read, file };
  const result = checkResponse(read, { maxBytes: options.maxBytes, maxDepth: options.maxDepth });
  if (!result.valid) return { file, valid: false, problems: result.problems };
  return {
    file,
    valid: true,
    problems: [],
    actions: result.response.actions.map((action) => action.action),
  };
}

function formatOutcome(outcome: XmlCheckOutcome): string {
  const name = outcome.file;
  if (outcome.valid) {
    const actions = outcome.actions ?? [];
    return `${name}: OK (${actions.length === 0 ? 'no actions' : actions.join(', ')})\n`;
  }
  return outcome.problems
    .map(
      (problem) =>
        `${name}:${problem.line}:${problem.column} ${problem.message} [${problem.code}]\n`,
    )
    .join('');
}

/** `siphook xml check <file|->... [--json]`: every problem as `file:line:col message`; exit 0, 1 or 2. */
export function registerXmlCheck(xml: Command, context: CommandContext): void {
  xml
    .command('check')
    .description(
      'check sipgate.io XML responses against the contract: well-formed, known elements, valid values',
    )
    .argument('<files...>', 'XML files; - reads standard input')
    .option('--json', 'print the results as a JSON array of { file, valid, problems }')
    .option(
      '--max-bytes <n>',
      'refuse documents larger than this',
      parsePositive,
      DEFAULT_MAX_BYTES,
    )
    .option(
      '--max-depth <n>',
      'refuse elements nested deeper than this',
      parsePositive,
      DEFAULT_MAX_DEPTH,
    )
    .addHelpText(
      'after',
      '\nPrints one `file:line:col message [CODE]` line per problem, or `file: OK (actions)`.\n' +
        'Exit status: 0 all valid, 1 any invalid, 2 usage error or a file that cannot be read.\n',
    )
    .action(async (files: string[], options: CheckOptions) => {
      if (files.filter((file) => file === '-').length > 1) {
        context.stderr.write('siphook xml check: standard input (-) can be read only once\n');
        context.setExitCode(ExitCode.usage);
        return;
      }
      const outcomes: XmlCheckOutcome[] = [];
      for (const file of files) outcomes.push(await checkDocument(file, options));
      for (const outcome of outcomes) {
        if (outcome.error !== undefined) {
          context.setExitCode(ExitCode.usage);
          context.stderr.write(`siphook xml check: ${outcome.error.message}\n`);
        } else if (!outcome.valid) context.setExitCode(ExitCode.notCompliant);
      }
      if (options.json) {
        context.stdout.write(`${JSON.stringify(outcomes, null, 2)}\n`);
        return;
      }
      for (const outcome of outcomes) {
        if (outcome.error === undefined) context.stdout.write(formatOutcome(outcome));
      }
    });
}

/** `siphook xml …`: sipgate.io XML responses. */
export function registerXml(program: Command, context: CommandContext): void {
  const xml = program.command('xml').description('check sipgate.io XML responses');
  registerXmlCheck(xml, context);
}

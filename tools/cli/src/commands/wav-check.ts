import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isHttpUrl } from '@siphook/schema';
import { isSiphookError } from '@siphook/schema/errors';
import {
  type CheckUrlResult,
  checkPlayable,
  checkUrl,
  describeFormat,
  describeFormatTag,
  inspectWav,
  type WavInfo,
  type WavProblem,
} from '@siphook/wav';
import { type Command, InvalidArgumentError } from 'commander';
import { clipMessage, clipValue } from '../clip.js';
import { type CommandContext, ExitCode } from '../context.js';

/** The verdict for one input of `siphook wav check`, as printed with --json. */
export interface WavCheckOutcome {
  input: string;
  kind: 'file' | 'url';
  ok: boolean;
  problems: WavProblem[];
  warnings: WavProblem[];
  /** Set when the input could not be read at all (missing file, I/O error): exit status 2. */
  error?: { code: string; message: string };
  info?: WavInfo;
  /** URL inputs only. */
  status?: number;
  finalUrl?: string;
  bytesRead?: number;
}

const URL_INPUT = /^https?:\/\//i;
/** Looks meant as a URL (`ftp://x`, `http//x`, `https:/x`) when no such file exists. */
const URL_LIKE = /^[a-z][a-z0-9+.-]+:\/\/|^https?:|^https?\/\//i;
const WAV_NAME = /\.wave?$/i;
/** How many inputs are checked at once; URLs spend their time waiting on the network. */
const CONCURRENCY = 8;

function parseMilliseconds(value: string): number {
  const number = Number(value);
  if (!/^\d+$/.test(value) || number <= 0) {
    throw new InvalidArgumentError(
      `expected a positive whole number of milliseconds; received "${value}"`,
    );
  }
  return number;
}

/** `siphook wav check <file|url>... [--json]`: one verdict line per input; exit 0, 1 or 2. */
export function registerWavCheck(wav: Command, context: CommandContext): void {
  wav
    .command('check')
    .description(
      'check that WAV files or URLs will play on sipgate.io (RIFF/WAVE, PCM, mono, 8000 Hz, 16-bit)',
    )
    .argument(
      '<inputs...>',
      'WAV files, folders (every *.wav inside, recursively) or http(s) URLs (only the first 64 KiB are fetched)',
    )
    .option('--json', 'print the results as a JSON array')
    .option('--timeout <ms>', 'for URLs: total time allowed per URL', parseMilliseconds, 5000)
    .addHelpText(
      'after',
      '\nExit status: 0 all playable, 1 any not playable, 2 usage error or a file that cannot be read.',
    )
    .action(async (inputs: string[], options: { json?: boolean; timeout: number }) => {
      const expanded = (await Promise.all(inputs.map(expandFolder))).flat();
      const outcomes = await mapLimited(expanded, CONCURRENCY, (input) =>
        typeof input === 'string' ? checkInput(input, options.timeout) : Promise.resolve(input),
      );
      for (const outcome of outcomes) {
        if (outcome.error !== undefined) context.setExitCode(ExitCode.usage);
        else if (!outcome.ok) context.setExitCode(ExitCode.notCompliant);
      }
      if (options.json) {
        context.stdout.write(`${JSON.stringify(outcomes, null, 2)}\n`);
        return;
      }
      // Results on stdout; inputs that could not be read at all on stderr.
      for (const outcome of outcomes) {
        if (outcome.error === undefined) context.stdout.write(`${formatOutcome(outcome)}\n`);
        else context.stderr.write(`siphook wav check: ${formatError(outcome)}\n`);
      }
    });
}

/** `siphook wav info <file|url> [--json]`: every detail inspectWav found, and the verdict. */
export function registerWavInfo(wav: Command, context: CommandContext): void {
  wav
    .command('info')
    .description('print everything in a WAV header: format, chunks, data, duration and problems')
    .argument('<input>', 'a WAV file, or an http(s) URL (only the first 64 KiB are fetched)')
    .option('--json', 'print the details as JSON')
    .option('--timeout <ms>', 'for a URL: total time allowed', parseMilliseconds, 5000)
    .addHelpText(
      'after',
      '\nExit status: 0 playable, 1 not playable, 2 usage error or a file that cannot be read.',
    )
    .action(async (input: string, options: { json?: boolean; timeout: number }) => {
      const outcome = await checkInput(input, options.timeout);
      context.setExitCode(
        outcome.error !== undefined
          ? ExitCode.usage
          : outcome.ok
            ? ExitCode.ok
            : ExitCode.notCompliant,
      );
      if (options.json) {
        context.stdout.write(`${JSON.stringify(outcome, null, 2)}\n`);
        return;
      }
      if (outcome.error !== undefined) {
        context.stderr.write(`siphook wav info: ${formatError(outcome)}\n`);
        return;
      }
      context.stdout.write(formatInfo(outcome));
    });
}

/** A folder stands for every `*.wav` file inside it; an empty folder is an error outcome. */
async function expandFolder(input: string): Promise<(string | WavCheckOutcome)[]> {
  if (URL_INPUT.test(input)) return [input];
  const stats = await stat(input).catch(() => undefined);
  if (stats === undefined || !stats.isDirectory()) return [input];
  const names = await readdir(input, { recursive: true });
  const files = names.filter((name) => WAV_NAME.test(name)).sort();
  if (files.length === 0) {
    const message = `no .wav files in folder ${JSON.stringify(clipValue(input))}`;
    return [
      {
        input,
        kind: 'file',
        ok: false,
        problems: [],
        warnings: [],
        error: { code: 'WAV_NO_FILES', message },
      },
    ];
  }
  return files.map((name) => join(input, name));
}

/** An input that could not be checked at all (exit status 2). */
function unreadable(
  input: string,
  kind: 'file' | 'url',
  code: string,
  message: string,
): WavCheckOutcome {
  const outcome: WavCheckOutcome = { input, kind, ok: false, problems: [], warnings: [] };
  outcome.error = { code, message: clipMessage(message, [input]) };
  return outcome;
}

async function checkInput(input: string, timeoutMs: number): Promise<WavCheckOutcome> {
  // A malformed URL argument is a usage error (exit 2), not a verdict on a prompt.
  if (URL_INPUT.test(input) && !isHttpUrl(input))
    return unreadable(
      input,
      'url',
      'URL_INVALID',
      `expected an absolute http(s) URL; received ${JSON.stringify(input)}`,
    );
  if (
    !URL_INPUT.test(input) &&
    URL_LIKE.test(input) &&
    (await stat(input).catch(() => null)) === null
  )
    return unreadable(
      input,
      'url',
      'URL_INVALID',
      `expected a file or an absolute http(s) URL; received ${JSON.stringify(input)}`,
    );
  if (URL_INPUT.test(input)) {
    const result: CheckUrlResult = await checkUrl(input, { timeoutMs });
    const outcome: WavCheckOutcome = {
      input,
      kind: 'url',
      ok: result.ok,
      problems: result.problems,
      warnings: result.warnings,
      finalUrl: result.finalUrl,
      bytesRead: result.bytesRead,
    };
    if (result.status !== undefined) outcome.status = result.status;
    if (result.info !== undefined) outcome.info = result.info;
    return outcome;
  }
  try {
    const info = await inspectWav(input);
    const { ok, problems } = checkPlayable(info);
    return { input, kind: 'file', ok, problems, warnings: [], info };
  } catch (error) {
    if (!isSiphookError(error)) throw error;
    return unreadable(input, 'file', error.code, error.message);
  }
}

function summary(info: WavInfo | undefined): string {
  if (info?.format === undefined) return '';
  const duration =
    info.durationSeconds === undefined ? '' : `, ${info.durationSeconds.toFixed(2)} s`;
  return ` (${describeFormat(info.format)}${duration})`;
}

/** The error line of an input that could not be read, its values clipped. */
function formatError(outcome: WavCheckOutcome): string {
  return clipMessage(`${outcome.input}: ${outcome.error?.message ?? 'unknown error'}`, [
    outcome.input,
  ]);
}

/**
 * One line per input, in the words of each problem's message (what --json prints as `message`);
 * problems are separated by ` | `, since a message itself may contain `;`.
 */
function formatOutcome(outcome: WavCheckOutcome): string {
  const warnings = outcome.warnings.map((warning) => ` | warning: ${warning.message}`).join('');
  if (outcome.ok) return `${outcome.input}: ok${summary(outcome.info)}${warnings}`;
  return clipMessage(
    `${outcome.input}: ${outcome.problems.map((problem) => problem.message).join(' | ')}${warnings}`,
    [outcome.input],
  );
}

function formatInfo(outcome: WavCheckOutcome): string {
  const info = outcome.info;
  const lines: string[] = [outcome.input];
  const row = (label: string, value: string | number) =>
    lines.push(`  ${label.padEnd(13)}${value}`);
  if (outcome.kind === 'url') {
    row('status', outcome.status ?? 'none');
    if (outcome.finalUrl !== outcome.input) row('final URL', outcome.finalUrl ?? '');
    row('bytes read', outcome.bytesRead ?? 0);
  }
  if (info !== undefined) {
    if (info.container === 'unknown') {
      row('container', `not RIFF (${info.detected ?? 'too short to tell'})`);
    } else {
      const riffSize = info.riffSize === undefined ? '' : `, RIFF size ${info.riffSize}`;
      row('container', `${info.container}/${info.formType ?? '?'}${riffSize}`);
    }
    row('file size', info.fileSize === undefined ? 'unknown' : `${info.fileSize} bytes`);
    const format = info.format;
    if (format !== undefined) {
      row('format tag', `${format.tag} (${describeFormatTag(format.tag)})`);
      if (format.tag === 0xfffe) {
        const sub =
          format.subformat === undefined
            ? 'unknown'
            : `${format.subformat} (${describeFormatTag(format.subformat)})`;
        row('subformat', `${sub}, GUID ${format.subformatGuid ?? 'missing'}`);
        if (format.validBitsPerSample !== undefined) row('valid bits', format.validBitsPerSample);
        if (format.channelMask !== undefined)
          row('channel mask', `0x${format.channelMask.toString(16)}`);
      }
      row('channels', format.channels);
      row('sample rate', `${format.sampleRate} Hz`);
      row('bits', format.bitsPerSample);
      row('byte rate', format.byteRate);
      row('block align', format.blockAlign);
    }
    if (info.dataOffset !== undefined)
      row('data', `${info.dataSize} bytes at offset ${info.dataOffset}`);
    if (info.durationSeconds !== undefined) row('duration', `${info.durationSeconds.toFixed(3)} s`);
    row(
      'chunks',
      `${info.chunks.length}${info.complete === false ? ' (walk stopped after the header)' : ''}`,
    );
    for (const chunk of info.chunks) {
      lines.push(
        `    ${JSON.stringify(chunk.id).padEnd(7)} offset ${String(chunk.offset).padEnd(10)} size ${chunk.size}`,
      );
    }
  }
  row('playable', outcome.ok ? 'yes' : 'no');
  for (const problem of outcome.problems) lines.push(`    - ${problem.code}: ${problem.message}`);
  for (const warning of outcome.warnings) lines.push(`    ~ ${warning.code}: ${warning.message}`);
  return `${lines.join('\n')}\n`;
}

/** Maps with at most `limit` calls in flight, keeping the input order. */
async function mapLimited<T, R>(
  items: T[],
  limit: number,
  map: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await map(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

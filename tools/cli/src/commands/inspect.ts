import {
  type CallLogFile,
  exportScenario,
  type InspectAuth,
  type InspectorServer,
  openCallLogFile,
  parseInspectAuth,
  serveInspector,
} from '@siphook/call-log';
import { SiphookError } from '@siphook/schema/errors';
import { InvalidArgumentError, Option } from 'commander';
import { clipMessage } from '../clip.js';
import { type CommandContext, ExitCode, exitCodeFor, type RegisterCommand } from '../context.js';

/** Flags of `siphook inspect`. */
interface InspectFlags {
  callLog?: string;
  port: number;
  host: string;
  inspectAuth?: string;
  json?: boolean;
}

const parsePort = (value: string): number => {
  if (!/^\d+$/.test(value) || Number(value) > 65535) {
    throw new InvalidArgumentError(`expected an integer from 0 to 65535; received "${value}"`);
  }
  return Number(value);
};

const callLogOption = () =>
  new Option('--call-log <file>', 'the call log file (SQLite) written by siphook server').env(
    'SIPHOOK_CALL_LOG',
  );

/**
 * `siphook inspect --call-log FILE`: opens a call log in the browser, offline, until Ctrl+C;
 * `siphook inspect export CALLID --call-log FILE` prints one call as a simulator scenario.
 */
export const registerInspect: RegisterCommand = (program, context) => {
  const inspect = program
    .command('inspect')
    .description('browse a call log in the inspector page (offline), or export a call as a test')
    .addOption(callLogOption())
    .addOption(
      new Option('-p, --port <number>', 'port to listen on (0: any free port)')
        .argParser(parsePort)
        .default(4000),
    )
    .option(
      '--host <address>',
      'address to listen on; beyond loopback --inspect-auth is required',
      '127.0.0.1',
    )
    .option(
      '--inspect-auth <user:pass|token:SECRET>',
      'Basic auth, or a token (open the page once with ?token=SECRET)',
    )
    .option('--json', 'print the page address as one JSON line')
    .addHelpText(
      'after',
      [
        '',
        'Example: siphook server --call-log calls.db   then   siphook inspect --call-log calls.db',
        '         siphook inspect export 123456 --call-log calls.db > call.yaml',
        '         siphook simulate http://127.0.0.1:3000/ --scenario call.yaml',
      ].join('\n'),
    )
    .action(async (flags: InspectFlags) => {
      context.setExitCode(await runInspect(flags, context));
    });
  inspect
    .command('export')
    .description('print one call of the log as a simulator scenario (YAML) that replays it')
    .argument('<callId>', 'the call to export (the list shows each callId)')
    .addOption(callLogOption())
    .action((callId: string, flags: { callLog?: string }) => {
      context.setExitCode(runExport(callId, flags.callLog ?? inspect.opts().callLog, context));
    });
};

function openLog(file: string | undefined, context: CommandContext): CallLogFile | ExitCode {
  if (file === undefined || file === '') {
    context.stderr.write(
      'siphook inspect: --call-log: expected a call log file (or SIPHOOK_CALL_LOG); received nothing\n',
    );
    return ExitCode.usage;
  }
  try {
    return openCallLogFile(file, { create: false, retentionMs: 0 });
  } catch (error) {
    context.stderr.write(`siphook inspect: ${clipMessage((error as Error).message, [file])}\n`);
    return exitCodeFor(error);
  }
}

function runExport(callId: string, file: string | undefined, context: CommandContext): ExitCode {
  const log = openLog(file, context);
  if (typeof log === 'number') return log;
  try {
    const detail = log.getCall(callId);
    if (detail === undefined) {
      const error = new SiphookError(
        'CALL_UNKNOWN',
        `callId: no call ${JSON.stringify(callId.slice(0, 80))} in ${log.location}`,
      );
      context.stderr.write(`siphook inspect export: ${error.message}\n`);
      return exitCodeFor(error);
    }
    context.stdout.write(exportScenario(detail));
    return ExitCode.ok;
  } finally {
    log.close();
  }
}

async function runInspect(flags: InspectFlags, context: CommandContext): Promise<ExitCode> {
  let auth: InspectAuth | undefined;
  try {
    auth = flags.inspectAuth === undefined ? undefined : parseInspectAuth(flags.inspectAuth);
  } catch (error) {
    context.stderr.write(`siphook inspect: ${clipMessage((error as Error).message)}\n`);
    return exitCodeFor(error);
  }
  const log = openLog(flags.callLog, context);
  if (typeof log === 'number') return log;
  let served: InspectorServer;
  try {
    served = await serveInspector({
      reader: log,
      port: flags.port,
      host: flags.host,
      ...(auth === undefined ? {} : { auth }),
    });
  } catch (error) {
    log.close();
    context.stderr.write(`siphook inspect: ${clipMessage((error as Error).message)}\n`);
    return exitCodeFor(error);
  }
  context.stdout.write(
    flags.json === true
      ? `${JSON.stringify({ url: served.url, callLog: log.location })}\n`
      : `inspector of ${log.location} at ${served.url}\n`,
  );
  if (flags.json !== true) context.stderr.write('Ctrl+C stops\n');

  // Resolves once listening; the open server keeps the process alive until a signal.
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    process.off('SIGTERM', stop);
    process.off('SIGINT', stop);
    void served.close().then(() => {
      log.close();
      context.stderr.write('siphook inspect stopped\n');
    });
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  if (context.signal.aborted) stop();
  else context.signal.addEventListener('abort', stop, { once: true });
  return ExitCode.ok;
}

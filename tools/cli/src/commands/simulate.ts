import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseBasicAuth } from '@siphook/schema';
import { isSiphookError } from '@siphook/schema/errors';
import {
  DEFAULT_CALL_TIMEOUT_MS,
  DEFAULT_MAX_STEPS,
  DEFAULT_TIMEOUT_MS,
  formatCallHeader,
  formatCallSummary,
  formatJunit,
  formatRunSummary,
  formatStep,
  loadScenarioFile,
  parseScenario,
  type RunOptions,
  type RunReport,
  runSimulation,
  type Scenario,
  type ScenarioInput,
  writeFileAtomic,
  writeTestKeyPair,
} from '@siphook/simulator';
import { InvalidArgumentError, Option } from 'commander';
import { clipMessage } from '../clip.js';
import { type CommandContext, ExitCode, type RegisterCommand } from '../context.js';

/** Flags of `siphook simulate`, as commander hands them over. */
interface SimulateFlags {
  from?: string;
  to?: string;
  direction?: 'in' | 'out';
  user?: string[];
  callId?: string;
  dtmf?: string;
  cause?: string;
  basicAuth?: string;
  signKey?: string;
  expectSignature?: boolean;
  scenario?: string;
  probe?: boolean;
  json?: boolean;
  junit?: string;
  timeout: number;
  callTimeout: number;
  maxSteps: number;
  audio: boolean;
}

/**
 * `siphook simulate <url>`: plays sipgate.io's side of whole calls against a server and reports
 * every deviation from the contract; `siphook simulate keygen` writes a test key pair.
 */
export const registerSimulate: RegisterCommand = (program, context) => {
  const simulate = program
    .command('simulate')
    .description(
      "play sipgate.io's side of whole calls against a webhook server and check every answer",
    )
    .argument('<url>', 'webhook URL; Basic-auth credentials may be in it (https://user:pass@host/)')
    .option('--from <number>', 'calling number (digits, or "anonymous")', '492111234567')
    .option('--to <number>', 'called number', '4915791234567')
    .addOption(
      new Option('--direction <direction>', 'call direction').choices(['in', 'out']).default('in'),
    )
    .option('--user <name>', 'user[] of the newCall; repeat for several (default: Alice)', collect)
    .option('--call-id <id>', 'callId (default: random)')
    .option('--dtmf <digits>', 'digits per Gather, comma-separated: "1,23" (empty entry: no input)')
    .option(
      '--cause <cause>',
      'how a dialled party reacts and how a call that runs out of actions ends',
      'normalClearing',
    )
    .option(
      '--basic-auth <user:pass>',
      'Basic-auth credentials (instead of putting them in the URL)',
    )
    .option('--sign-key <file>', 'PEM RSA private key: sign every push (X-Sipgate-Signature)')
    .option(
      '--expect-signature',
      'the server checks signatures: unsigned and tampered probes must be refused (default with --sign-key)',
    )
    .option('--scenario <file>', 'YAML scenario file: several calls with expectations')
    .option('--probe', 'also send unsigned, tampered and malformed requests that must be refused')
    .option('--json', 'print the report as JSON instead of the transcript')
    .option('--junit <file>', 'write a JUnit XML report (one test case per check)')
    .option(
      '--timeout <ms>',
      'deadline for each answer in ms (sipgate.io waits about 10 s)',
      positiveInteger,
      DEFAULT_TIMEOUT_MS,
    )
    .option(
      '--call-timeout <ms>',
      'time limit of each whole call in ms; when it is spent the caller hangs up (a failed check)',
      positiveInteger,
      DEFAULT_CALL_TIMEOUT_MS,
    )
    .option(
      '--max-steps <n>',
      'actions per call before the loop guard stops it',
      positiveInteger,
      DEFAULT_MAX_STEPS,
    )
    .option('--no-audio', 'do not fetch and check Play URLs')
    .addHelpText(
      'after',
      '\nExit status: 0 every check passed, 1 a conformance failure, 2 a usage or connection error.',
    )
    .action(async (url: string, flags: SimulateFlags) => {
      context.setExitCode(await runSimulate(url, flags, context));
    });

  simulate
    .command('keygen')
    .description(
      'write a test key pair: sign with the private key, let the server trust the public one',
    )
    .option('--out <dir>', 'folder to write into', '.')
    .option('--force', 'replace existing key files')
    .option('--json', 'print the written paths as JSON')
    .action(async (flags: { out: string; force?: boolean; json?: boolean }) => {
      context.setExitCode(await runKeygen(flags, context));
    });
};

async function runSimulate(
  url: string,
  flags: SimulateFlags,
  context: CommandContext,
): Promise<ExitCode> {
  let scenarios: Scenario[];
  let options: RunOptions;
  try {
    const base = scenarioFromFlags(flags);
    scenarios = flags.scenario
      ? await loadScenarioFile(flags.scenario, base)
      : [parseScenario(base)];
    options = {
      timeoutMs: flags.timeout,
      callTimeoutMs: flags.callTimeout,
      maxSteps: flags.maxSteps,
      checkAudio: flags.audio,
      probe: flags.probe ?? false,
    };
    if (flags.expectSignature) options.expectSignature = true;
    if (flags.basicAuth !== undefined) options.basicAuth = parseBasicAuth(flags.basicAuth);
    if (flags.signKey !== undefined) options.signKey = await readKey(flags.signKey);
  } catch (error) {
    return usageError(error, context);
  }
  if (!flags.json) {
    options.onStep = createLivePrinter(context);
    options.onReport = (call) => context.stdout.write(formatCallSummary(call));
  }
  let report: RunReport;
  try {
    report = await runSimulation(url, scenarios, options);
  } catch (error) {
    return usageError(error, context);
  }
  if (flags.json) {
    context.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    context.stdout.write(formatRunSummary(report));
  }
  if (flags.junit) {
    try {
      await writeFileAtomic(flags.junit, formatJunit(report));
      context.stderr.write(`wrote JUnit report ${flags.junit}\n`); // a result: the path stays whole
    } catch (error) {
      context.stderr.write(
        `siphook simulate: ${clipMessage(`cannot write ${flags.junit}: ${(error as Error).message}`, [flags.junit])}\n`,
      );
      return ExitCode.usage;
    }
  }
  return exitCodeOf(report);
}

/** 2 when the target could not be reached, 1 for any failed check, else 0. */
export function exitCodeOf(report: RunReport): ExitCode {
  if (report.connectionError) return ExitCode.usage;
  return report.ok ? ExitCode.ok : ExitCode.notCompliant;
}

/** Prints each call's header, then each transcript line as it happens. */
export function createLivePrinter(context: CommandContext): RunOptions['onStep'] {
  let current: string | undefined;
  return (step, call) => {
    const key = `${call.name}\u0000${call.callId}`;
    if (key !== current) {
      if (current !== undefined) context.stdout.write('\n');
      current = key;
      context.stdout.write(formatCallHeader(call));
    }
    context.stdout.write(formatStep(step));
  };
}

function scenarioFromFlags(flags: SimulateFlags): ScenarioInput {
  const scenario: ScenarioInput = {};
  if (flags.from !== undefined) scenario.from = flags.from;
  if (flags.to !== undefined) scenario.to = flags.to;
  if (flags.direction !== undefined) scenario.direction = flags.direction;
  if (flags.user !== undefined) scenario.user = flags.user;
  if (flags.callId !== undefined) scenario.callId = flags.callId;
  if (flags.cause !== undefined) scenario.cause = flags.cause;
  if (flags.dtmf !== undefined) scenario.dtmf = flags.dtmf.split(',').map((entry) => entry.trim());
  return scenario;
}

async function readKey(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new Error(`--sign-key ${file}: ${(error as Error).message}`);
  }
}

async function runKeygen(
  flags: { out: string; force?: boolean; json?: boolean },
  context: CommandContext,
): Promise<ExitCode> {
  try {
    const written = await writeTestKeyPair(flags.out, { force: flags.force ?? false });
    if (flags.json) {
      context.stdout.write(`${JSON.stringify(written, null, 2)}\n`);
    } else {
      const privateKey = shortPath(written.privateKeyPath);
      const publicKey = shortPath(written.publicKeyPath);
      context.stdout.write(
        [
          `wrote ${privateKey} (private, mode 0600) and ${publicKey} (public)`,
          `sign:  siphook simulate <url> --sign-key ${privateKey}`,
          `trust: siphook server --trust-key ${publicKey}   (or createServer({ trustKeys: [...] }))`,
          '',
        ].join('\n'),
      );
    }
    return ExitCode.ok;
  } catch (error) {
    return usageError(error, context);
  }
}

/** A path relative to the working folder when it lies inside it, else absolute. */
function shortPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
}

function usageError(error: unknown, context: CommandContext): ExitCode {
  const message = error instanceof Error ? error.message : String(error);
  const code = isSiphookError(error) ? ` [${error.code}]` : '';
  context.stderr.write(`siphook simulate: ${clipMessage(message)}${code}\n`);
  return ExitCode.usage;
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

function positiveInteger(value: string): number {
  const number = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(number) || number < 1) {
    throw new InvalidArgumentError(
      `expected a whole number >= 1; received ${JSON.stringify(value)}`,
    );
  }
  return number;
}

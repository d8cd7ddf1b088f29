import { createServer } from '@siphook/server';
import {
  formatCallSummary,
  formatRunSummary,
  generateTestKeyPair,
  runSimulation,
} from '@siphook/simulator';
import { clipMessage } from '../clip.js';
import { type CommandContext, ExitCode, type RegisterCommand } from '../context.js';
import { createLivePrinter, exitCodeOf } from './simulate.js';

/**
 * `siphook demo` (`npm run demo`): starts the reference server with the demo flow on a free
 * loopback port, trusting a fresh test key, places one signed simulated call through it (pressing
 * 1 by default), prints the transcript, stops the server and exits with the call's status.
 */
export const registerDemo: RegisterCommand = (program, context) => {
  program
    .command('demo')
    .description(
      'run the reference server and place one simulated, signed call through the demo flow',
    )
    .option('--dtmf <digits>', 'digits per Gather, comma-separated (1: connect, 2: voicemail)', '1')
    .option('--json', 'print the report as JSON instead of the transcript')
    .action(async (flags: { dtmf: string; json?: boolean }) => {
      context.setExitCode(await runDemo(flags, context));
    });
};

async function runDemo(
  flags: { dtmf: string; json?: boolean },
  context: CommandContext,
): Promise<ExitCode> {
  const keys = generateTestKeyPair();
  let server: Awaited<ReturnType<typeof createServer>>;
  try {
    server = await createServer({
      port: 0,
      host: '127.0.0.1',
      signature: true,
      trustKeys: [keys.publicKey],
      logLevel: 'silent',
    });
  } catch (error) {
    context.stderr.write(
      `siphook demo: cannot start the reference server: ${clipMessage((error as Error).message)}\n`,
    );
    return ExitCode.usage;
  }
  try {
    context.stderr.write(`reference server with the demo flow at ${server.webhookUrl}\n`);
    const report = await runSimulation(
      server.webhookUrl,
      [{ name: 'demo call', dtmf: flags.dtmf.split(',').map((entry) => entry.trim()) }],
      {
        signKey: keys.privateKey,
        expectSignature: true,
        ...(flags.json
          ? {}
          : {
              onStep: createLivePrinter(context),
              onReport: (call) => context.stdout.write(formatCallSummary(call)),
            }),
      },
    );
    if (flags.json) {
      context.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    } else {
      context.stdout.write(formatRunSummary(report));
    }
    return exitCodeOf(report);
  } finally {
    await server.close();
  }
}

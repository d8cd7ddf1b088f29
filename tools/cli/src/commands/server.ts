import { isSiphookError, SiphookError } from '@siphook/schema/errors';
import {
  createServer,
  describeServer,
  formatBanner,
  LOG_LEVELS,
  parseBasicAuth,
  type ServerConfig,
  type SiphookServer,
  type StartupInfo,
} from '@siphook/server';
import { InvalidArgumentError, Option } from 'commander';
import { clipMessage } from '../clip.js';
import { type CommandContext, ExitCode, type RegisterCommand } from '../context.js';
import { ENGINE_CHOICES, engineSpecOf } from '../engine-spec.js';
import {
  isServerWorker,
  leaveCluster,
  parseWorkers,
  reportToPrimary,
  runPrimary,
} from '../run-workers.js';
import {
  type OpenedStore,
  openStore,
  parseStoreOption,
  type StoreChoice,
} from '../store-option.js';

/** Flags of `siphook server`, as commander hands them over. */
interface ServerFlags {
  flow?: string;
  port?: number;
  host?: string;
  publicUrl?: string;
  basicAuth?: string;
  signature: boolean;
  trustKey: string[];
  tlsCert?: string;
  tlsKey?: string;
  logLevel?: string;
  graceMs?: number;
  ttsEngine?: string;
  ttsEngineCmd?: string;
  ttsCache?: string;
  callLog?: string;
  callLogRetention: string;
  callLogHashNumbers?: boolean;
  inspectAuth?: string;
  json?: boolean;
  store: string;
  storePrefix: string;
  storeTtl: number;
  storeWait?: boolean;
  workers?: string | boolean;
}

const OFF = new Set(['off', 'false', '0', 'no']);
const ON = new Set(['on', 'true', '1', 'yes']);

const parsePort = (value: string): number => {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) {
    throw new InvalidArgumentError(`expected an integer from 0 to 65535; received "${value}"`);
  }
  return port;
};

const parseSeconds = (value: string): number => {
  if (!/^\d+$/.test(value) || Number(value) < 1) {
    throw new InvalidArgumentError(`expected whole seconds (an integer >= 1); received "${value}"`);
  }
  return Number(value);
};

const parseMs = (value: string): number => {
  if (!/^\d+$/.test(value)) {
    throw new InvalidArgumentError(`expected milliseconds (an integer >= 0); received "${value}"`);
  }
  return Number(value);
};

/**
 * `siphook server`: runs the reference webhook server with a flow (the demo flow by default) until
 * SIGTERM or SIGINT, then finishes in-flight requests and exits 0.
 */
export const registerServer: RegisterCommand = (program, context) => {
  program
    .command('server')
    .description(
      'run the reference webhook server with a declarative call flow (default: the demo flow)',
    )
    .addOption(
      new Option('--flow <file>', 'flow file (YAML or JSON); default: the bundled demo flow').env(
        'SIPHOOK_FLOW',
      ),
    )
    .addOption(
      new Option('-p, --port <number>', 'port to listen on (0: any free port)')
        .env('PORT')
        .argParser(parsePort)
        .default(3000),
    )
    .addOption(
      new Option(
        '--host <address>',
        'address to listen on; 0.0.0.0 to take requests from other machines',
      )
        .env('HOST')
        .default('127.0.0.1'),
    )
    .addOption(
      new Option(
        '--public-url <url>',
        'URL sipgate.io reaches this server at; prompt and callback URLs use it (default: the listen address)',
      ).env('PUBLIC_URL'),
    )
    .addOption(
      new Option('--basic-auth <user:pass>', 'require HTTP Basic auth on webhook requests').env(
        'SIPHOOK_BASIC_AUTH',
      ),
    )
    .option(
      '--no-signature',
      'do not check X-Sipgate-Signature (also SIPHOOK_SIGNATURE=off); for local play only',
    )
    .option(
      '--trust-key <pem>',
      'also accept signatures by this public key (PEM file); repeatable',
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    )
    .addOption(
      new Option('--tls-cert <file>', 'serve HTTPS with this certificate (PEM)').env('TLS_CERT'),
    )
    .addOption(new Option('--tls-key <file>', 'private key of --tls-cert (PEM)').env('TLS_KEY'))
    .addOption(
      new Option('--log-level <level>', 'log level of the JSON logs on stderr')
        .env('LOG_LEVEL')
        .choices(LOG_LEVELS)
        .default('info'),
    )
    .addOption(
      new Option('--grace-ms <ms>', 'on shutdown, how long in-flight requests may take')
        .argParser(parseMs)
        .default(10_000),
    )
    .addOption(
      new Option(
        '--store <memory|url>',
        'where call state lives: memory (this process), or redis://[user:pass@]host[:port][/db] (rediss:// for TLS), shared by every instance; needs @siphook/redis-store',
      )
        .env('SIPHOOK_STORE')
        .default('memory'),
    )
    .addOption(
      new Option(
        '--store-prefix <name>',
        'Redis key prefix naming this deployment: the same on every instance, another per deployment',
      )
        .env('SIPHOOK_STORE_PREFIX')
        .default('siphook'),
    )
    .addOption(
      new Option('--store-ttl <seconds>', "how long a call's state lives after its last push")
        .env('SIPHOOK_STORE_TTL')
        .argParser(parseSeconds)
        .default(7200),
    )
    .option('--store-wait', 'at start, wait until Redis answers instead of exiting')
    .addOption(
      new Option(
        '--workers [n]',
        'run n worker processes on one port (node:cluster; one per core without n); needs --store redis://…',
      ).env('SIPHOOK_WORKERS'),
    )
    .addOption(
      new Option('--tts-engine <name>', 'engine for the say: steps (default espeak-ng)').choices(
        ENGINE_CHOICES,
      ),
    )
    .option(
      '--tts-engine-cmd <template>',
      "the command engine's program, e.g. 'piper --model de.onnx --output_file {out}'",
    )
    .option(
      '--tts-cache <dir>',
      'folder of the say: prompts (default: <prompts folder>/.siphook-cache/say)',
    )
    .addOption(
      new Option(
        '--call-log <file>',
        'record every push and its answer into this SQLite file, and serve the inspector at /inspect/',
      ).env('SIPHOOK_CALL_LOG'),
    )
    .addOption(
      new Option(
        '--call-log-retention <duration>',
        'how long calls stay in the call log: 30d, 12h, 90m, 45s; 0 keeps every call',
      )
        .env('SIPHOOK_CALL_LOG_RETENTION')
        .default('30d'),
    )
    .option('--call-log-hash-numbers', 'store phone numbers in the call log as keyed hashes')
    .addOption(
      new Option(
        '--inspect-auth <user:pass|token:SECRET>',
        'Basic auth or a token for /inspect/; required when --host is not loopback',
      ).env('SIPHOOK_INSPECT_AUTH'),
    )
    .option('--json', 'print the startup information as one JSON line instead of the banner')
    .addHelpText(
      'after',
      [
        '',
        'Environment: PORT, HOST, PUBLIC_URL, SIPHOOK_FLOW, SIPHOOK_BASIC_AUTH=user:pass,',
        'SIPHOOK_SIGNATURE=off, TLS_CERT, TLS_KEY, LOG_LEVEL, SIPHOOK_CALL_LOG,',
        'SIPHOOK_CALL_LOG_RETENTION, SIPHOOK_INSPECT_AUTH, SIPHOOK_STORE, SIPHOOK_STORE_PREFIX,',
        'SIPHOOK_STORE_TTL, SIPHOOK_WORKERS. Flags win over the environment.',
        '',
        'Example: siphook server --no-signature   then   npx siphook simulate http://127.0.0.1:3000/ --dtmf 1',
      ].join('\n'),
    )
    .action(async (flags: ServerFlags) => {
      await runServer(flags, context);
    });
};

async function runServer(flags: ServerFlags, context: CommandContext): Promise<void> {
  const worker = isServerWorker();
  /** A start-up failure (a bad flow, option or store): the message once (by the primary, for a worker), exit status 2. */
  const refuse = (error: SiphookError): void => {
    const message = clipMessage(error.message, [flags.flow ?? '']);
    if (worker) reportToPrimary({ type: 'siphook:failed', message, exitCode: ExitCode.usage });
    else context.stderr.write(`siphook server: ${message}\n`);
    context.setExitCode(ExitCode.usage);
    leaveCluster();
  };
  let config: ServerConfig;
  let choice: StoreChoice;
  let workers: number | undefined;
  try {
    config = await toConfig(flags, process.env);
    choice = await parseStoreOption(flags.store);
    workers = flags.workers === undefined ? undefined : parseWorkers(flags.workers);
    if (workers !== undefined && workers > 1 && choice.kind === 'memory')
      throw new SiphookError(
        'OPTIONS_INVALID',
        `--workers ${workers} needs a shared call store: with --store memory each worker would keep its own call state, and a call whose pushes reach different workers would lose it; expected --store redis://host:6379/0 (or --workers 1)`,
        { field: 'workers', expected: 'a Redis store, or one worker', received: workers },
      );
  } catch (error) {
    if (!isSiphookError(error)) throw error;
    refuse(error);
    return;
  }
  if (workers !== undefined && !worker) {
    await runPrimary<StartupInfo>(workers, context, (info, count) => {
      const withWorkers = { ...info, workers: count };
      return flags.json === true
        ? `${JSON.stringify(withWorkers)}\n`
        : formatBanner(withWorkers, {
            publicUrlGiven: config.publicUrl !== undefined,
          });
    });
    return;
  }

  let server: SiphookServer | undefined;
  // Store lines go to the server's log once it exists; while waiting for Redis, to stderr.
  const storeLogger = {
    info: (fields: object, message: string) =>
      server === undefined
        ? context.stderr.write(`siphook server: ${message}\n`)
        : server.logger.info(fields, message),
    warn: (fields: object, message: string) =>
      server === undefined
        ? context.stderr.write(`siphook server: ${message}\n`)
        : server.logger.warn(fields, message),
  };
  let opened: OpenedStore | undefined;
  // A signal while waiting for Redis (--store-wait) ends the wait: nothing is listening yet.
  const starting = new AbortController();
  const stopStarting = (): void => starting.abort();
  process.once('SIGTERM', stopStarting);
  process.once('SIGINT', stopStarting);
  context.signal.addEventListener('abort', stopStarting, { once: true });
  try {
    opened = await openStore(choice, {
      wait: flags.storeWait === true,
      prefix: flags.storePrefix,
      ttlSeconds: flags.storeTtl,
      logger: storeLogger,
      signal: starting.signal,
    });
    server = await createServer({
      ...config,
      ...(opened === undefined ? {} : { store: opened.store, storeName: opened.target }),
    });
  } catch (error) {
    await opened?.close();
    if (!isSiphookError(error)) throw error;
    refuse(error);
    return;
  } finally {
    process.off('SIGTERM', stopStarting);
    process.off('SIGINT', stopStarting);
    context.signal.removeEventListener('abort', stopStarting);
  }
  const running = server;
  const info = describeServer(running);
  if (worker) reportToPrimary<StartupInfo>({ type: 'siphook:listening', info });
  else
    context.stdout.write(
      flags.json === true
        ? `${JSON.stringify(info)}\n`
        : formatBanner(info, { publicUrlGiven: config.publicUrl !== undefined }),
    );

  let stopping = false;
  const stop = (reason: string): void => {
    if (stopping) return;
    stopping = true;
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    // A second Ctrl+C while waiting for in-flight requests stops at once.
    process.once('SIGINT', forceExit);
    running.logger.info(
      { reason },
      'shutting down: refusing new connections, finishing in-flight requests',
    );
    running
      .close()
      .then(() => opened?.close())
      .then(
        () => {
          process.off('SIGINT', forceExit);
          if (!worker) context.stderr.write('siphook server stopped\n');
          leaveCluster();
          if (reason === 'SIGTERM' || reason === 'SIGINT') {
            // Everything is closed, so the process ends by itself; this only guards against a
            // stray handle keeping a signalled process alive.
            setTimeout(() => process.exit(), 2000).unref();
          }
        },
        (error: unknown) => {
          context.stderr.write(`siphook server: shutdown failed: ${clipMessage(String(error))}\n`);
          process.exitCode = ExitCode.usage;
        },
      );
  };
  const onSignal = (signal: NodeJS.Signals): void => stop(signal);
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  if (context.signal.aborted) stop('abort');
  else context.signal.addEventListener('abort', () => stop('abort'), { once: true });
}

function forceExit(): void {
  process.exit(130);
}

/** Flags first, then the environment, then the defaults commander already filled in. */
async function toConfig(flags: ServerFlags, env: NodeJS.ProcessEnv): Promise<ServerConfig> {
  const config: ServerConfig = {
    port: flags.port ?? 3000,
    host: flags.host ?? '127.0.0.1',
    logLevel: flags.logLevel ?? 'info',
    graceMs: flags.graceMs ?? 10_000,
    signature: signatureSetting(flags.signature, env['SIPHOOK_SIGNATURE']),
  };
  if (flags.flow !== undefined) config.flow = flags.flow;
  if (flags.publicUrl !== undefined && flags.publicUrl !== '') config.publicUrl = flags.publicUrl;
  if (flags.basicAuth !== undefined && flags.basicAuth !== '') {
    config.basicAuth = parseBasicAuth(flags.basicAuth);
  }
  if (flags.trustKey.length > 0) config.trustKeys = flags.trustKey;
  if (flags.tlsCert !== undefined || flags.tlsKey !== undefined) {
    config.tls = { cert: flags.tlsCert ?? '', key: flags.tlsKey ?? '' };
  }
  const engine = engineSpecOf(flags.ttsEngine, flags.ttsEngineCmd, {
    engine: '--tts-engine',
    command: '--tts-engine-cmd',
  });
  config.tts = { engine, ...(flags.ttsCache === undefined ? {} : { cacheDir: flags.ttsCache }) };
  // The call log's module (and SQLite) is loaded only when asked for.
  const callLogModule = () => import('@siphook/call-log');
  if (flags.callLog !== undefined && flags.callLog !== '') {
    const { parseRetention } = await callLogModule();
    config.callLog = flags.callLog;
    config.callLogRetentionMs = parseRetention(flags.callLogRetention);
    if (flags.callLogHashNumbers === true) config.callLogHashNumbers = true;
  }
  if (flags.inspectAuth !== undefined && flags.inspectAuth !== '') {
    const { parseInspectAuth } = await callLogModule();
    config.inspectAuth = parseInspectAuth(flags.inspectAuth);
  }
  return config;
}

function signatureSetting(flag: boolean, env: string | undefined): boolean {
  if (!flag) return false;
  if (env === undefined || env === '') return true;
  const value = env.toLowerCase();
  if (OFF.has(value)) return false;
  if (ON.has(value)) return true;
  throw new InvalidArgumentError(
    `SIPHOOK_SIGNATURE: expected on or off; received "${env.slice(0, 80)}"`,
  );
}

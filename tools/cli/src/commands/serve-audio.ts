import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { type AudioHost, createAudioHost, type IngestSummary } from '@siphook/audio-host';
import { type BasicAuthCredentials, parseBasicAuth } from '@siphook/schema';
import { isSiphookError } from '@siphook/schema/errors';
import { InvalidArgumentError, Option } from 'commander';
import { clipMessage } from '../clip.js';
import { type CommandContext, ExitCode, type RegisterCommand } from '../context.js';

/** Flags of `siphook serve-audio`, as commander hands them over. */
interface ServeAudioFlags {
  port: number;
  host: string;
  publicUrl?: string;
  watch?: boolean;
  listing?: boolean;
  cacheDir?: string;
  basicAuth?: string;
  signingSecret?: string;
  json?: boolean;
}

const parsePort = (value: string): number => {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) {
    throw new InvalidArgumentError(
      `expected an integer from 0 to 65535; received "${value.slice(0, 80)}"`,
    );
  }
  return port;
};

/**
 * `siphook serve-audio <dir>`: serves a folder of prompts (converted to 8 kHz mono 16-bit PCM where
 * needed), prints each prompt's Play URL on stdout and every refused file with its reason on
 * stderr, and runs until SIGINT or SIGTERM (or the context's signal).
 */
export const registerServeAudio: RegisterCommand = (program, context) => {
  program
    .command('serve-audio')
    .description(
      'serve a folder of Play prompts over HTTP: always playable, content-hashed URLs, nothing outside the folder',
    )
    .argument(
      '<dir>',
      'folder of prompts (WAV, MP3, OGG, ...); non-compliant files are converted into <dir>/.siphook-cache',
    )
    .addOption(
      new Option('-p, --port <number>', 'port to listen on (0: any free port)')
        .argParser(parsePort)
        .default(8080),
    )
    .addOption(
      new Option(
        '--host <address>',
        'address to listen on; 0.0.0.0 to take requests from other machines',
      ).default('127.0.0.1'),
    )
    .option(
      '--public-url <url>',
      'URL sipgate.io reaches this host at, e.g. https://example.com/audio (default: the listen address)',
    )
    .option('--watch', 're-ingest when files change and print the new URLs')
    .option('--listing', 'serve a JSON manifest of the prompts at / and /index.json')
    .option('--cache-dir <dir>', 'where converted prompts are kept (default: <dir>/.siphook-cache)')
    .addOption(
      new Option('--basic-auth <user:pass>', 'require HTTP Basic auth').env(
        'SIPHOOK_AUDIO_BASIC_AUTH',
      ),
    )
    .addOption(
      new Option(
        '--signing-secret <secret>',
        'serve only HMAC-signed expiring URLs (printed URLs are signed for 1 h)',
      ).env('SIPHOOK_AUDIO_SIGNING_SECRET'),
    )
    .option(
      '--json',
      'print one JSON line per ingest ({ url, root, prompts, refused }) instead of text',
    )
    .addHelpText(
      'after',
      [
        '',
        'Exit status: 0 after a clean shutdown, 2 for a usage or I/O error (missing folder, port in use).',
        'Example: siphook serve-audio ./prompts --port 8080 --public-url https://example.com',
      ].join('\n'),
    )
    .action(async (dir: string, flags: ServeAudioFlags) => {
      await serveAudio(dir, flags, context);
    });
};

async function serveAudio(
  dir: string,
  flags: ServeAudioFlags,
  context: CommandContext,
): Promise<void> {
  const fail = (message: string): void => {
    context.stderr.write(`siphook serve-audio: ${clipMessage(message, [dir])}\n`);
    context.setExitCode(ExitCode.usage);
  };
  let basicAuth: BasicAuthCredentials | undefined;
  if (flags.basicAuth !== undefined && flags.basicAuth !== '') {
    try {
      basicAuth = parseBasicAuth(flags.basicAuth);
    } catch (error) {
      return fail((error as Error).message);
    }
  }

  // Listen first: with --port 0 the public URL is only known once the port is.
  let host: AudioHost | undefined;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (host !== undefined) return host.handle(req, res);
    res.writeHead(503, { 'Retry-After': '1', 'Content-Length': '0' }).end();
  });
  // Bound slow clients, as the reference server does: prompts are small, 15 s is plenty.
  server.headersTimeout = 10_000;
  server.requestTimeout = 15_000;
  try {
    await listen(server, flags.port, flags.host);
  } catch (error) {
    return fail(`cannot listen on ${flags.host}:${flags.port}: ${(error as Error).message}`);
  }
  const publicUrl = flags.publicUrl ?? listenUrl(server, flags.host);
  const root = resolve(dir);
  let ingests = 0;
  const report = (summary: IngestSummary): void => {
    ingests += 1;
    const prompts = summary.prompts.map((prompt) => ({
      name: prompt.name,
      url:
        host === undefined || flags.signingSecret === undefined
          ? prompt.url
          : safeUrlFor(host, prompt.name, prompt.url),
      source: prompt.source,
      converted: prompt.converted,
      size: prompt.size,
      durationSeconds: prompt.durationSeconds,
    }));
    if (flags.json === true) {
      context.stdout.write(
        `${JSON.stringify({ url: publicUrl, root, prompts, refused: summary.refused })}\n`,
      );
    } else {
      if (ingests > 1) context.stdout.write('files changed; now serving:\n');
      const width = Math.max(0, ...prompts.map((prompt) => prompt.name.length));
      for (const prompt of prompts) {
        const origin = prompt.converted ? `  (converted from ${prompt.source})` : '';
        context.stdout.write(`${prompt.name.padEnd(width)}  ${prompt.url}${origin}\n`);
      }
    }
    for (const file of summary.refused)
      context.stderr.write(`${clipMessage(`refused ${file.file}: ${file.reason}`, [file.file])}\n`);
  };
  const pendingFirst: IngestSummary[] = [];
  try {
    host = await createAudioHost({
      root,
      publicUrl,
      ...(flags.watch === true ? { watch: true } : {}),
      ...(flags.listing === true ? { listing: true } : {}),
      ...(flags.cacheDir === undefined ? {} : { cacheDir: resolve(flags.cacheDir) }),
      ...(basicAuth === undefined ? {} : { basicAuth }),
      ...(flags.signingSecret === undefined || flags.signingSecret === ''
        ? {}
        : { signingSecret: flags.signingSecret }),
      // The first ingest finishes before `host` exists; it is printed once the host is there.
      onIngest: (summary) => (host === undefined ? pendingFirst.push(summary) : report(summary)),
    });
  } catch (error) {
    await closeServer(server);
    if (!isSiphookError(error)) throw error;
    return fail(error.message);
  }
  for (const summary of pendingFirst) report(summary);
  if (flags.json !== true) {
    const count = host.prompts().length;
    context.stderr.write(
      `serving ${count} prompt${count === 1 ? '' : 's'} from ${root} at ${publicUrl}${flags.watch === true ? ', watching for changes' : ''}; Ctrl+C stops\n`,
    );
  }

  let stopping = false;
  const stop = (reason: string): void => {
    if (stopping) return;
    stopping = true;
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    void Promise.all([closeServer(server), host?.close()]).then(
      () => context.stderr.write(`siphook serve-audio stopped (${reason})\n`),
      (error: unknown) => {
        context.stderr.write(
          `siphook serve-audio: shutdown failed: ${clipMessage(String(error))}\n`,
        );
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

function safeUrlFor(host: AudioHost, name: string, fallback: string): string {
  try {
    return host.urlFor(name);
  } catch {
    return fallback;
  }
}

function listen(server: Server, port: number, hostname: string): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(port, hostname, () => {
      server.off('error', reject);
      resolvePromise();
    });
  });
}

/** `http://127.0.0.1:8080`; a wildcard address is shown as loopback, IPv6 in brackets. */
function listenUrl(server: Server, hostname: string): string {
  const { port } = server.address() as AddressInfo;
  const shown = hostname === '0.0.0.0' || hostname === '::' ? '127.0.0.1' : hostname;
  return `http://${shown.includes(':') ? `[${shown}]` : shown}:${port}`;
}

/** Stops accepting connections, drops idle keep-alive ones and waits for in-flight responses. */
function closeServer(server: Server): Promise<void> {
  return new Promise((resolvePromise) => {
    if (!server.listening) return resolvePromise();
    server.close(() => resolvePromise());
    server.closeIdleConnections();
  });
}

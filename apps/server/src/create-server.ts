import http from 'node:http';
import https from 'node:https';
import net, { type AddressInfo, type Socket } from 'node:net';
import path from 'node:path';
import { type AudioHost, createAudioHost } from '@siphook/audio-host';
import { isSiphookError, SiphookError } from '@siphook/schema';
import {
  createWebhookHandler,
  type NodeListener,
  sipgatePublicKey,
  toNodeListener,
} from '@siphook/webhook';
import { type Logger, pino } from 'pino';
import { createFlowRunner, type FlowRunner, type FlowState } from './flow-runner.js';
import type { SayInput } from './flow-schema.js';
import { type LoadedFlow, loadFlow } from './load-flow.js';
import { createLogDestination, type LogDestination } from './log-destination.js';
import type { PromptManifest } from './prompt-manifest.js';
import { prepareSayPrompts, type SayPrompts } from './say-prompts.js';
import type { ServerCallLog } from './serve-call-log.js';
import {
  type ResolvedServerConfig,
  resolveServerConfig,
  type ServerConfig,
} from './server-config.js';

/** A running server: where it is, the node server, and how to stop it. */
export interface SiphookServer {
  /** Base URL the server answers at (the public URL when one was configured), no trailing slash. */
  url: string;
  /** The address it listens on, e.g. `http://127.0.0.1:3000`. */
  listenUrl: string;
  /** Where sipgate.io posts: the URL to enter in the dashboard (with Basic-auth credentials). */
  webhookUrl: string;
  /** Base URL of the prompts (`<url>/audio`). */
  audioUrl: string;
  /** The node:http (or https) server. */
  server: http.Server | https.Server;
  /** The flow being run. */
  flow: LoadedFlow;
  /** Where call state lives: `memory`, or the name of the store given (`storeName`). */
  storeName: string;
  /** The validated configuration. */
  config: ResolvedServerConfig;
  /** The pino logger the server writes to. */
  logger: Logger;
  /** The inspector page (`<url>/inspect/`), when the server keeps a call log. */
  inspectUrl?: string;
  /**
   * Stops accepting connections, lets in-flight requests finish (cut after `graceMs`), and closes
   * the audio host. Resolves once everything is closed; calling it again returns the same promise.
   */
  close(): Promise<void>;
}

const AUDIO_PREFIX = '/audio/';
/** Prompts of `say:` steps, served by their own audio host from the say cache folder. */
const SAY_PREFIX = '/audio/say/';
const HEALTH_PATH = '/healthz';
/**
 * Time limits of the HTTP server. sipgate.io gives up after about 10 s, so nothing legitimate
 * takes longer to send its headers; the limits are checked every second, so a client that sends
 * its headers too slowly is answered 408 (and cut) between 10 and 11 s after it connected.
 */
export const SERVER_TIMEOUTS = Object.freeze({
  headersTimeout: 10_000,
  requestTimeout: 15_000,
  keepAliveTimeout: 5_000,
  connectionsCheckingInterval: 1_000,
});
/**
 * While shutting down, a keep-alive connection with nothing in flight is closed once it has been
 * quiet this long: a client that was about to send on it sends now and is answered (with
 * `Connection: close`), instead of having its request cut with the connection.
 */
const SHUTDOWN_IDLE_MS = 500;
/** The inspector page over the call log (with `callLog` only). */
const INSPECT_PATH = '/inspect';

/**
 * Starts the reference webhook server: the flow answers newCall and dtmf pushes, its prompts are
 * served under `/audio/`, `GET /healthz` answers 200, and any other POST is a webhook push.
 *
 * `say:` steps are synthesised (or found in their cache) before listening, and served under
 * `/audio/say/`.
 *
 * @throws {SiphookError} `OPTIONS_INVALID`, `CONFIG_READ`, `FLOW_INVALID`, `FLOW_READ`, or
 *   `LISTEN_FAILED` (port in use, …); for `say:` steps `TTS_ENGINE_NOT_FOUND`,
 *   `TTS_VOICE_UNKNOWN`, `TTS_ENGINE_FAILED` or `TTS_ENGINE_TIMEOUT`, each with `file:line:col`
 *   of the `say:`.
 * @example
 * const server = await createServer({ port: 0, signature: false });
 * server.webhookUrl // 'http://127.0.0.1:41234/'
 * await server.close();
 */
export async function createServer(config: ServerConfig = {}): Promise<SiphookServer> {
  const resolved = await resolveServerConfig(config);
  const own = config.logger === undefined ? createLogger(resolved.logLevel) : undefined;
  const logger: Logger = own?.logger ?? (config.logger as Logger);
  const flow = await loadFlow(config.flow, { cwd: resolved.cwd });
  let says: SayPrompts | undefined;
  if (flow.says.length > 0) {
    const shadowed = flow.prompts.find((name) => name.startsWith('say/'));
    if (shadowed !== undefined) {
      throw new SiphookError(
        'FLOW_INVALID',
        `prompt ${shadowed}: the folder say/ of the prompts is where the prompts of say: steps are served; rename it`,
        { prompt: shadowed },
      );
    }
    says = await prepareSayPrompts(flow, resolved.tts, resolved.cwd);
    logger.info(
      { cacheDir: says.cacheDir, prompts: says.count, synthesized: says.synthesized },
      'say: prompts ready',
    );
  }

  // Loaded only for a call log: a server without one never loads SQLite.
  const callLog: ServerCallLog | undefined =
    config.callLog === undefined
      ? undefined
      : (await import('./serve-call-log.js')).openServerCallLog(
          {
            file: path.resolve(resolved.cwd, config.callLog),
            retentionMs: config.callLogRetentionMs,
            hashNumbers: config.callLogHashNumbers,
            auth: config.inspectAuth,
            host: resolved.host,
            basePath: INSPECT_PATH,
          },
          logger,
        );

  // The listener is attached before listening, but the parts it dispatches to need the public
  // URL, which with port 0 is known only once listening: until then it answers 503.
  let audio: NodeListener | undefined;
  let sayAudio: NodeListener | undefined;
  let webhook: NodeListener | undefined;
  let closing = false;
  let prefix = '';
  const connections = new ConnectionTracker();
  const listener: NodeListener = (request, response) => {
    connections.requestStarted(request, response);
    // Answered after shutdown began: the client must not send on this connection again.
    if (closing) response.setHeader('Connection', 'close');
    let target = request.url ?? '/';
    // Only a whole path segment: `/sipgate/…`, `/sipgate` or `/sipgate?…`, not `/sipgatex`.
    if (prefix !== '' && isUnder(target, prefix)) target = target.slice(prefix.length) || '/';
    if (target.startsWith(SAY_PREFIX) && sayAudio !== undefined) {
      request.url = target;
      sayAudio(request, response);
      return;
    }
    if (target.startsWith(AUDIO_PREFIX) && audio !== undefined) {
      request.url = target;
      audio(request, response);
      return;
    }
    if (callLog?.inspector !== undefined && isUnder(target, INSPECT_PATH)) {
      request.url = target;
      callLog.inspector(request, response);
      return;
    }
    if (target === HEALTH_PATH || target.startsWith(`${HEALTH_PATH}?`)) {
      answerHealth(request.method, response, flow);
      return;
    }
    if (webhook === undefined) {
      response.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8', 'Retry-After': '1' });
      response.end('starting\n');
      return;
    }
    webhook(request, response);
  };
  const server =
    resolved.tls === undefined
      ? http.createServer(SERVER_TIMEOUTS, listener)
      : https.createServer(
          { ...SERVER_TIMEOUTS, cert: resolved.tls.cert, key: resolved.tls.key },
          listener,
        );
  server.on(resolved.tls === undefined ? 'connection' : 'secureConnection', (socket: Socket) =>
    connections.add(socket),
  );

  try {
    await listen(server, resolved.port, resolved.host);
  } catch (error) {
    await callLog?.close();
    throw error;
  }
  const listenUrl = urlOfAddress(server, resolved.tls !== undefined);
  const url = resolved.publicUrl ?? listenUrl;
  prefix = new URL(url).pathname.replace(/\/+$/, '');
  // Prompts are public: credentials of a public URL belong in callback URLs only, never in Play
  // URLs (they would reach every transcript and log that quotes a response).
  const audioUrl = `${withoutCredentials(url)}/audio`;

  let audioHost: AudioHost | undefined;
  let sayHost: AudioHost | undefined;
  let runner: FlowRunner;
  try {
    // A flow that plays only absolute URLs needs no prompts folder, and gets no audio host.
    // A flow whose prompts are published (a manifest) plays their URLs: nothing to host either.
    if (flow.prompts.length > 0 && flow.manifest === undefined) {
      audioHost = await createAudioHost({
        root: flow.promptsDir,
        publicUrl: audioUrl,
        basePath: '/audio',
        logger,
      });
    }
    if (says !== undefined) {
      sayHost = await createAudioHost({
        root: says.cacheDir,
        publicUrl: `${audioUrl}/say`,
        basePath: '/audio/say',
        logger,
      });
    }
    const host = audioHost;
    // The callback URLs are the ones @siphook/webhook would add (`<url>/answer`, …, with the
    // Basic-auth credentials); setting them here once spares copying every response to add them.
    const callbackBase = withCredentials(url, resolved.basicAuth);
    runner = createFlowRunner(flow.flow, {
      promptUrl:
        flow.manifest !== undefined
          ? manifestUrlsOf(flow.manifest)
          : host === undefined
            ? noPrompt
            : promptUrlsOf(host, flow),
      ...(sayHost === undefined || says === undefined ? {} : { sayUrl: sayUrlsOf(sayHost, says) }),
      onData: `${callbackBase}/dtmf`,
      onAnswer: `${callbackBase}/answer`,
      onHangup: `${callbackBase}/hangup`,
    });
    const debug = logger.isLevelEnabled('debug');
    const recording = callLog?.recorder !== undefined;
    const handler = createWebhookHandler({
      publicUrl: url,
      signature:
        resolved.signature === false
          ? false
          : { publicKeys: [sipgatePublicKey(), ...resolved.trustKeys] },
      ...(resolved.basicAuth === undefined ? {} : { basicAuth: resolved.basicAuth }),
      ...(config.maxBodyBytes === undefined ? {} : { maxBodyBytes: config.maxBodyBytes }),
      ...(config.deadlineMs === undefined ? {} : { deadlineMs: config.deadlineMs }),
      ...(config.store === undefined ? {} : { store: config.store }),
      logger,
      ...(callLog?.recorder === undefined ? {} : { callLog: callLog.recorder }),
      onNewCall: (event, call) => {
        const response = runner.newCall(event, call.state as FlowState);
        // Looked up only for a reader: the debug line, or the call log.
        if (debug || recording) {
          const route = runner.routeFor(event);
          call.annotate({ route });
          // `call.log` makes a pino child logger: only worth it when the line is written.
          if (debug) call.log.debug({ route: route ?? null }, 'flow route');
        }
        return response;
      },
      onDtmf: (event, call) => {
        // Named before dtmf() moves the call on to the branch.
        if (recording) call.annotate({ branch: runner.branchFor(event, call.state as FlowState) });
        return runner.dtmf(event, call.state as FlowState);
      },
      onAnswer: (event, call) => {
        call.log.info({ user: event.user }, 'call answered');
      },
      onHangup: (event, call) => {
        call.log.info({ cause: event.cause }, 'call ended');
      },
    });
    webhook = toNodeListener(handler);
    audio = audioHost?.handle;
    sayAudio = sayHost?.handle;
  } catch (error) {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await audioHost?.close();
    await sayHost?.close();
    await callLog?.close();
    throw error;
  }

  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closed ??= (async () => {
      closing = true;
      // Responses still to be written say `Connection: close`, so no client sends on their
      // connection again (node:http would say keep-alive, then close it under the next request).
      connections.closeAfterResponses();
      // Stop accepting, but not Node's http close, which also drops every idle keep-alive
      // connection at once, under requests their clients may be sending right then.
      const done = new Promise<void>((resolve) =>
        net.Server.prototype.close.call(server, () => resolve()),
      );
      const sweep = setInterval(() => connections.closeQuiet(SHUTDOWN_IDLE_MS), 50);
      const cut = setTimeout(() => server.closeAllConnections(), resolved.graceMs);
      cut.unref();
      await done;
      clearTimeout(cut);
      clearInterval(sweep);
      await audioHost?.close();
      await sayHost?.close();
      // After the last request: every push answered is saved before the file closes.
      await callLog?.close();
      logger.flush?.();
      own?.destination.end();
    })();
    return closed;
  };

  const webhookUrl = withCredentials(`${url}/`, resolved.basicAuth);
  logger.info(
    {
      url: withoutCredentials(url),
      listenUrl,
      flow: flow.file ?? '(object)',
      signature: resolved.signature,
    },
    'siphook server listening',
  );
  return {
    url,
    listenUrl,
    webhookUrl,
    audioUrl,
    server,
    flow,
    storeName: config.store === undefined ? 'memory' : (config.storeName ?? 'a shared store'),
    config: resolved,
    logger,
    ...(callLog?.inspector === undefined
      ? {}
      : { inspectUrl: `${withoutCredentials(url)}${INSPECT_PATH}/` }),
    close,
  };
}

/** True for `path` itself and what lies below it: `/inspect`, `/inspect/…`, `/inspect?…`. */
function isUnder(target: string, path: string): boolean {
  if (!target.startsWith(path)) return false;
  const next = target.charCodeAt(path.length);
  return Number.isNaN(next) || next === 0x2f || next === 0x3f;
}

/** Prompt URLs from a manifest; loadFlow has checked that it holds every prompt the flow plays. */
function manifestUrlsOf(manifest: PromptManifest): (name: string) => string {
  return (name) => manifest[name] ?? noPrompt(name);
}

function noPrompt(name: string): never {
  throw new SiphookError('FLOW_INVALID', `prompt ${name}: the flow has no prompts folder`);
}

function createLogger(level: string): { logger: Logger; destination: LogDestination } {
  // One write per event-loop turn instead of one per line; flushed on exit, uncaught errors too.
  const destination = createLogDestination(2);
  return { logger: pino({ level, base: undefined }, destination), destination };
}

/** Prompt URLs are fixed for the server's life, so they are looked up once here. */
function promptUrlsOf(host: AudioHost, flow: LoadedFlow): (name: string) => string {
  const urls = new Map<string, string>();
  const problems: string[] = [];
  for (const name of flow.prompts) {
    try {
      urls.set(name, host.urlFor(name));
    } catch (error) {
      if (!isSiphookError(error)) throw error;
      const refused = host.refused().find((entry) => entry.file.endsWith(name));
      problems.push(`${name}: ${refused?.reason ?? error.message}`);
    }
  }
  if (problems.length > 0) {
    throw new SiphookError(
      'FLOW_INVALID',
      `prompts of the flow cannot be served:\n${problems.map((line) => `  - ${line}`).join('\n')}`,
      { prompts: problems },
    );
  }
  return (name) => urls.get(name) ?? host.urlFor(name);
}

/** The Play URL of each `say:` prompt: the say host's hashed URL of its cache file. */
function sayUrlsOf(host: AudioHost, says: SayPrompts): (say: SayInput) => string {
  return (say) => {
    const file = says.fileOf(say);
    try {
      return host.urlFor(file);
    } catch (error) {
      if (!isSiphookError(error)) throw error;
      const refused = host.refused().find((entry) => entry.file === file);
      throw new SiphookError(
        'FLOW_INVALID',
        `the prompt for say: ${JSON.stringify(say.text.slice(0, 60))} (${file} in ${says.cacheDir}) cannot be served: ${refused?.reason ?? error.message}`,
        { file, cacheDir: says.cacheDir },
      );
    }
  };
}

function answerHealth(method: string | undefined, response: http.ServerResponse, flow: LoadedFlow) {
  if (method !== 'GET' && method !== 'HEAD') {
    response.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' });
    response.end('method not allowed: GET /healthz\n');
    return;
  }
  const body = JSON.stringify({
    status: 'ok',
    flow: flow.flow.name ?? null,
    uptimeSeconds: Math.round(process.uptime()),
  });
  response.writeHead(200, {
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'no-store',
  });
  response.end(method === 'HEAD' ? undefined : body);
}

function listen(server: http.Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      reject(
        new SiphookError(
          'LISTEN_FAILED',
          `cannot listen on ${host}:${port}: ${error.code ?? error.message}${error.code === 'EADDRINUSE' ? ' (the port is taken; choose another with --port or PORT)' : ''}`,
          { host, port, code: error.code },
          { cause: error },
        ),
      );
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

/** The listening address as a URL; a wildcard address is shown as loopback, which reaches it. */
function urlOfAddress(server: http.Server, secure: boolean): string {
  const address = server.address() as AddressInfo;
  let host = address.address;
  if (host === '0.0.0.0') host = '127.0.0.1';
  else if (host === '::') host = '[::1]';
  else if (address.family === 'IPv6' || host.includes(':')) host = `[${host}]`;
  return `${secure ? 'https' : 'http'}://${host}:${address.port}`;
}

function withoutCredentials(url: string): string {
  const parsed = new URL(url);
  if (parsed.username === '' && parsed.password === '') return url;
  parsed.username = '';
  parsed.password = '';
  return url.endsWith('/') ? parsed.href : parsed.href.replace(/\/$/, '');
}

function withCredentials(
  url: string,
  auth: { username: string; password: string } | undefined,
): string {
  if (auth === undefined) return url;
  const parsed = new URL(url);
  // Credentials already in the public URL win, as in @siphook/webhook's callback URLs.
  if (parsed.username !== '' || parsed.password !== '') return url;
  parsed.username = encodeURIComponent(auth.username);
  parsed.password = encodeURIComponent(auth.password);
  // `href` adds a `/` to a bare origin; keep the input's form.
  return url.endsWith('/') ? parsed.href : parsed.href.replace(/\/$/, '');
}

/** What is known of one connection: requests in flight, and when it last went quiet. */
interface ConnectionState {
  inFlight: number;
  /** `socket.bytesRead` when it last went quiet: more read since means a request is coming. */
  readWhenQuiet: number;
  quietSince: number;
  responses: Set<http.ServerResponse>;
}

/** The server's connections, for a shutdown that loses no request. */
class ConnectionTracker {
  readonly #states = new Map<Socket, ConnectionState>();
  #closing = false;

  add(socket: Socket): void {
    this.#states.set(socket, {
      inFlight: 0,
      readWhenQuiet: 0,
      quietSince: performance.now(),
      responses: new Set(),
    });
    socket.once('close', () => this.#states.delete(socket));
  }

  requestStarted(request: http.IncomingMessage, response: http.ServerResponse): void {
    const state = this.#states.get(request.socket);
    if (state === undefined) return;
    state.inFlight++;
    state.responses.add(response);
    // 'close' comes once per response: after it finished, or when its connection went away
    // (so `on`, which spares the wrapper `once` makes for every response).
    response.on('close', () => {
      state.responses.delete(response);
      state.inFlight--;
      if (state.inFlight === 0) {
        state.readWhenQuiet = request.socket.bytesRead;
        state.quietSince = performance.now();
      }
    });
  }

  /** Every response not yet begun will carry `Connection: close`. */
  closeAfterResponses(): void {
    this.#closing = true;
    for (const state of this.#states.values()) {
      for (const response of state.responses) {
        if (!response.headersSent) response.setHeader('Connection', 'close');
      }
    }
  }

  /** Closes connections with nothing in flight and nothing read for `quietMs`. */
  closeQuiet(quietMs: number): void {
    if (!this.#closing) return;
    const now = performance.now();
    for (const [socket, state] of this.#states) {
      if (state.inFlight > 0) continue;
      if (socket.bytesRead !== state.readWhenQuiet) {
        // A request is arriving: it will be answered with `Connection: close`.
        state.readWhenQuiet = socket.bytesRead;
        state.quietSince = now;
        continue;
      }
      if (now - state.quietSince >= quietMs) socket.destroy();
    }
  }
}

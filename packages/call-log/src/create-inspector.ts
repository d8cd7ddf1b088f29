import { existsSync, readdirSync, readFileSync } from 'node:fs';
import {
  type ErrorCode,
  errorBody,
  fromZodIssues,
  httpStatusOf,
  type Issue,
  SiphookError,
  summarizeIssues,
} from '@siphook/schema';
import type { CallLogReader } from './call-log-store.js';
import { CallQuerySchema, type Waveform } from './call-record.js';
import { exportScenario } from './export-scenario.js';
import {
  createInspectAuthCheck,
  INSPECT_TOKEN_COOKIE,
  type InspectAuth,
  type InspectAuthCheck,
} from './inspect-auth.js';
import { type ReadWaveformOptions, readWaveform } from './read-waveform.js';
import { inspectCall } from './summarize-call.js';

/** Options of {@link createInspector}. */
export interface InspectorOptions {
  /** The log to show: {@link openCallLogFile}, or your own {@link CallLogReader}. */
  reader: CallLogReader;
  /** The path it is served under. Default `/inspect`. */
  basePath?: string;
  /** Basic auth or a token for every request; none when left out (loopback only!). */
  auth?: InspectAuth;
  /** How often live updates look for new pushes, in ms. Default 300. */
  pollMs?: number;
  /** Limits for fetching Play URLs to draw them. */
  audio?: ReadWaveformOptions;
}

/** The inspector: a fetch-style handler, and `close` to end live streams. */
export interface Inspector {
  /** Answers one request under `basePath`; never rejects. */
  handle(request: Request): Promise<Response>;
  /** Ends every live stream and stops polling. */
  close(): void;
}

interface Asset {
  body: Uint8Array;
  type: string;
}

const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  svg: 'image/svg+xml',
  png: 'image/png',
  ico: 'image/x-icon',
};
// The page loads only its own files; Play URLs may be on any http(s) host.
const PAGE_HEADERS = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; media-src http: https:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
};
const JSON_TYPE = 'application/json; charset=utf-8';
const MAX_WAVEFORMS = 32;
const HEARTBEAT_MS = 15_000;
const CALL_PATH = /^calls\/([^/]+)(?:\/(scenario|plays\/(\d{1,4})))?$/;

/**
 * Creates the inspector: the page (built at build time, shipped in the package, no CDN) and its
 * JSON API under `<basePath>/api/`: `calls` (list, filters `number`, `since`, `until`, `outcome`,
 * `limit`, `offset`), `calls/:callId` (one call), `calls/:callId/scenario` (YAML),
 * `calls/:callId/plays/:index` (a Play URL drawn) and `events` (server-sent events of new calls).
 * Errors answer in the one JSON shape (`errorBody`): 400 `QUERY_INVALID`, 401
 * `INSPECT_AUTH_INVALID`, 404 `CALL_UNKNOWN` / `ROUTE_UNKNOWN`, 405 `METHOD_NOT_ALLOWED`.
 *
 * @example
 * const inspector = createInspector({ reader: openCallLogFile('calls.db') });
 * const response = await inspector.handle(new Request('http://localhost/inspect/api/calls'));
 */
export function createInspector(options: InspectorOptions): Inspector {
  const base = (options.basePath ?? '/inspect').replace(/\/+$/, '');
  const reader = options.reader;
  const check: InspectAuthCheck | undefined =
    options.auth === undefined ? undefined : createInspectAuthCheck(options.auth);
  const assets = loadAssets();
  const waveforms = new Map<string, Promise<Waveform>>();
  const live = createLiveUpdates(reader, options.pollMs ?? 300);

  const handle = async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    if (url.pathname !== base && !url.pathname.startsWith(`${base}/`)) {
      return fail('ROUTE_UNKNOWN', `${url.pathname}: not under ${base}/`);
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return fail('METHOD_NOT_ALLOWED', `${request.method}: the inspector answers GET and HEAD`, {
        Allow: 'GET, HEAD',
      });
    }
    if (check !== undefined && options.auth !== undefined) {
      const token = 'token' in options.auth ? url.searchParams.get('token') : null;
      if (token !== null && check(withBearer(request, token))) {
        // Trade the token in the link for a cookie, so it leaves the address bar and the page's
        // own requests (fetch, EventSource) carry it.
        url.searchParams.delete('token');
        // Relative, and the cookie for the whole origin: behind a proxy the page may live under
        // a longer path than the one seen here.
        return new Response(null, {
          status: 303,
          headers: {
            Location: `${lastSegment(url.pathname) || './'}${url.search}`,
            'Set-Cookie': `${INSPECT_TOKEN_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Strict`,
            'Cache-Control': 'no-store',
          },
        });
      }
      if (!check(request)) {
        return fail('INSPECT_AUTH_INVALID', 'the inspector needs the --inspect-auth credentials', {
          'WWW-Authenticate':
            'basic' in options.auth
              ? 'Basic realm="siphook inspector", charset="UTF-8"'
              : 'Bearer realm="siphook inspector"',
        });
      }
    }
    const rest = url.pathname.slice(base.length);
    if (rest === '') return redirect(`${lastSegment(base)}/${url.search}`);
    if (rest === '/' || rest === '/index.html') return page(assets.get('index.html'));
    if (rest.startsWith('/api/')) return api(rest.slice(5), url, request);
    const asset = assets.get(rest.slice(1));
    if (asset === undefined || rest.slice(1) === 'index.html') {
      return fail('ROUTE_UNKNOWN', `${rest}: no such page or file`);
    }
    return new Response(asset.body as Uint8Array<ArrayBuffer>, {
      headers: {
        'Content-Type': asset.type,
        'Cache-Control': 'public, max-age=31536000, immutable',
        ...PAGE_HEADERS,
      },
    });
  };

  const api = async (route: string, url: URL, request: Request): Promise<Response> => {
    if (route === 'calls') {
      const parsed = CallQuerySchema.safeParse(Object.fromEntries(url.searchParams));
      if (!parsed.success) {
        const issues = fromZodIssues(parsed.error.issues, Object.fromEntries(url.searchParams));
        return fail('QUERY_INVALID', summarizeIssues('query is invalid:', issues), {}, issues);
      }
      return json(await reader.listCalls(parsed.data));
    }
    if (route === 'events') return live.stream(request);
    const match = CALL_PATH.exec(route);
    if (match === null) return fail('ROUTE_UNKNOWN', `/api/${route}: no such API route`);
    let callId: string;
    try {
      callId = decodeURIComponent(match[1]!);
    } catch {
      return fail(
        'QUERY_INVALID',
        `callId: expected a percent-encoded call id; received ${match[1]}`,
      );
    }
    const detail = await reader.getCall(callId);
    if (detail === undefined) {
      return fail(
        'CALL_UNKNOWN',
        `callId: no call ${JSON.stringify(callId.slice(0, 80))} in the log`,
      );
    }
    if (match[2] === 'scenario') {
      return new Response(exportScenario(detail), {
        headers: { 'Content-Type': 'text/yaml; charset=utf-8', 'Cache-Control': 'no-store' },
      });
    }
    const view = inspectCall(detail);
    if (match[3] === undefined) return json(view);
    const playUrl = view.plays[Number(match[3])];
    if (playUrl === undefined) {
      return fail(
        'ROUTE_UNKNOWN',
        `plays/${match[3]}: the call has ${view.plays.length} Play URL(s)`,
      );
    }
    let waveform = waveforms.get(playUrl);
    if (waveform === undefined) {
      waveform = readWaveform(playUrl, options.audio);
      if (waveforms.size >= MAX_WAVEFORMS) waveforms.delete(waveforms.keys().next().value!);
      waveforms.set(playUrl, waveform);
    }
    return json(await waveform);
  };

  return {
    async handle(request) {
      try {
        return await handle(request);
      } catch (error) {
        const message = error instanceof SiphookError ? error.message : String(error);
        return fail('INTERNAL_ERROR', `inspector: ${message}`);
      }
    },
    close: live.close,
  };
}

/** The part of a path after its last `/`; relative links built from it survive a proxy prefix. */
function lastSegment(pathname: string): string {
  return pathname.slice(pathname.lastIndexOf('/') + 1);
}

function withBearer(request: Request, token: string): Request {
  return new Request(request.url, { headers: { authorization: `Bearer ${token}` } });
}

function json(value: unknown): Response {
  return new Response(JSON.stringify(value), {
    headers: { 'Content-Type': JSON_TYPE, 'Cache-Control': 'no-store' },
  });
}

function fail(
  code: ErrorCode,
  message: string,
  headers: Record<string, string> = {},
  issues?: Issue[],
): Response {
  return new Response(errorBody({ code, message, ...(issues === undefined ? {} : { issues }) }), {
    status: httpStatusOf(code),
    headers: { 'Content-Type': JSON_TYPE, 'Cache-Control': 'no-store', ...headers },
  });
}

function redirect(location: string): Response {
  return new Response(null, { status: 301, headers: { Location: location } });
}

function page(asset: Asset | undefined): Response {
  if (asset === undefined) {
    return fail(
      'INTERNAL_ERROR',
      'the inspector page is missing from this build (run npm run build)',
    );
  }
  return new Response(asset.body as Uint8Array<ArrayBuffer>, {
    headers: { 'Content-Type': asset.type, 'Cache-Control': 'no-store', ...PAGE_HEADERS },
  });
}

/**
 * The page's files, built by Vite into `dist/web` and read once: a file is served only when it is
 * in this list, so no request path ever reaches the file system.
 */
function loadAssets(): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  // Beside this module in dist; from src (the tests), the build's copy in dist.
  const root = [new URL('./web/', import.meta.url), new URL('../dist/web/', import.meta.url)].find(
    (folder) => existsSync(new URL('index.html', folder)),
  );
  if (root === undefined) return assets;
  const walk = (folder: string): void => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = readdirSync(new URL(folder, root), { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const name = `${folder}${entry.name}`;
      if (entry.isDirectory()) walk(`${name}/`);
      else if (entry.isFile()) {
        const type = TYPES[entry.name.slice(entry.name.lastIndexOf('.') + 1)];
        if (type !== undefined) assets.set(name, { body: readFileSync(new URL(name, root)), type });
      }
    }
  };
  walk('');
  return assets;
}

/** Server-sent events: one poll of the log for every open stream, only while one is open. */
function createLiveUpdates(reader: CallLogReader, pollMs: number) {
  const encoder = new TextEncoder();
  const clients = new Set<ReadableStreamDefaultController<Uint8Array>>();
  let lastId: number | undefined;
  let timer: NodeJS.Timeout | undefined;
  let heartbeat: NodeJS.Timeout | undefined;
  let polling = false;

  const send = (client: ReadableStreamDefaultController<Uint8Array>, text: string): void => {
    try {
      client.enqueue(encoder.encode(text));
    } catch {
      clients.delete(client);
    }
  };
  const poll = async (): Promise<void> => {
    if (polling) return;
    polling = true;
    try {
      const changes = await reader.changesSince(lastId ?? Number.MAX_SAFE_INTEGER);
      if (lastId !== undefined && changes.calls.length > 0) {
        const text = `id: ${changes.lastId}\nevent: calls\ndata: ${JSON.stringify(changes.calls)}\n\n`;
        for (const client of clients) send(client, text);
      }
      lastId = changes.lastId;
    } catch {
      // A busy file: the next tick tries again.
    } finally {
      polling = false;
    }
  };
  const stop = (): void => {
    clearInterval(timer);
    clearInterval(heartbeat);
    timer = undefined;
    heartbeat = undefined;
    // The next stream starts from the log as it is then, not from where the last one stopped.
    lastId = undefined;
  };
  return {
    async stream(request: Request): Promise<Response> {
      let own: ReadableStreamDefaultController<Uint8Array> | undefined;
      const since = Number(request.headers.get('last-event-id') ?? Number.NaN);
      const backlog = Number.isSafeInteger(since) ? await reader.changesSince(since) : undefined;
      if (lastId === undefined) await poll();
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          own = controller;
          clients.add(controller);
          send(controller, 'retry: 2000\n: live updates of the siphook call log\n\n');
          if (backlog !== undefined && backlog.calls.length > 0) {
            send(
              controller,
              `id: ${backlog.lastId}\nevent: calls\ndata: ${JSON.stringify(backlog.calls)}\n\n`,
            );
          }
          if (timer === undefined) {
            timer = setInterval(poll, pollMs);
            timer.unref();
            heartbeat = setInterval(() => {
              for (const client of clients) send(client, ': still here\n\n');
            }, HEARTBEAT_MS);
            heartbeat.unref();
          }
        },
        cancel() {
          if (own !== undefined) clients.delete(own);
          if (clients.size === 0) stop();
        },
      });
      request.signal.addEventListener('abort', () => {
        if (own === undefined) return;
        clients.delete(own);
        try {
          own.close();
        } catch {
          // Already closed by the client.
        }
        if (clients.size === 0) stop();
      });
      return new Response(body, {
        headers: {
          'Content-Type': 'text/event-stream; charset=utf-8',
          'Cache-Control': 'no-store',
          'X-Accel-Buffering': 'no',
        },
      });
    },
    close(): void {
      stop();
      for (const client of clients) {
        try {
          client.close();
        } catch {
          // Already closed.
        }
      }
      clients.clear();
    },
  };
}

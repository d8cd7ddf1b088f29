import { realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { createBasicAuthCheck } from '@siphook/schema';
import { SiphookError } from '@siphook/schema/errors';
import { type AudioHostOptions, resolveOptions } from './audio-host-options.js';
import { decideReply, type HostState, type Reply, type RequestHeaders } from './decide-reply.js';
import { FILE_CHANGED, INTERNAL_ERROR } from './error-replies.js';
import {
  ingestRoot,
  type PromptEntry,
  type RefusedFile,
  type StoredPrompt,
  stillAtHand,
} from './ingest-root.js';
import { openFileSlice } from './open-file-slice.js';
import {
  buildPromptIndex,
  encodeName,
  type PromptIndex,
  type RetiredPrompt,
} from './prompt-index.js';
import { boundRequestBody, hasRequestBody } from './request-body.js';
import { signName } from './signed-url.js';
import { type RootWatcher, watchRoot } from './watch-root.js';

/** Options of {@link AudioHost.urlFor}. */
export interface UrlForOptions {
  /**
   * Seconds the URL stays valid. Needs `signingSecret`; with a secret and no value, the host's
   * `defaultExpiresIn` (3600) applies.
   */
  expiresIn?: number;
}

/** A running audio host. Create it with {@link createAudioHost}. */
export interface AudioHost {
  /** Request listener for `node:http` (and anything with the same signature, such as Express). */
  handle(req: IncomingMessage, res: ServerResponse): void;
  /** Fetch-style handler for runtimes and frameworks built on `Request`/`Response`. */
  fetch(request: Request): Promise<Response>;
  /**
   * The absolute URL to put in `<Play><Url>`: the content-hashed name, signed when the host has a
   * `signingSecret`. `name` may be the served name (`welcome.wav`), the name without extension
   * (`welcome`) or the source file (`welcome.mp3`).
   * @throws SiphookError `AUDIO_PROMPT_UNKNOWN` when no prompt has that name
   */
  urlFor(name: string, options?: UrlForOptions): string;
  /** Prompts currently served, sorted by name. */
  prompts(): PromptEntry[];
  /** Files under the root that are not served, with the reason. */
  refused(): RefusedFile[];
  /** Settles when the latest scan (initial or after a change) has finished. */
  readonly ready: Promise<void>;
  /** Scans the root again now (as the watcher does after a change) and resolves when done. */
  rescan(): Promise<void>;
  /** Stops watching and waits for a running scan; requests are still answered from the last index. */
  close(): Promise<void>;
}

const EMPTY_HEADERS: RequestHeaders = {};

/**
 * Creates an audio host for a folder of prompts and ingests it before resolving: compliant WAVs are
 * served as they are, everything else is converted into the cache (or refused with the reason).
 *
 * @example
 * const host = await createAudioHost({ root: './prompts', publicUrl: 'https://example.com' });
 * http.createServer(host.handle).listen(8080);
 * host.urlFor('welcome') // 'https://example.com/welcome.4f3a9c1e.wav'
 * @throws SiphookError `OPTIONS_INVALID` for invalid options, `AUDIO_ROOT_INVALID` when the root is not a folder
 */
export async function createAudioHost(options: AudioHostOptions): Promise<AudioHost> {
  const resolved = resolveOptions(options);
  let root: string;
  try {
    root = await realpath(resolve(resolved.root));
    if (!(await stat(root)).isDirectory()) throw new Error('not a directory');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new SiphookError(
      'AUDIO_ROOT_INVALID',
      `root: expected a readable folder; received ${JSON.stringify(resolved.root).slice(0, 80)} (${reason})`,
      {
        root: resolved.root,
      },
    );
  }
  const cacheDir = resolve(resolved.cacheDir ?? join(root, '.siphook-cache'));
  const { publicUrl, basePath, signingSecret, logger } = resolved;
  const guarded = resolved.basicAuth !== undefined || signingSecret !== undefined;
  const checkAuth =
    resolved.basicAuth === undefined ? undefined : createBasicAuthCheck(resolved.basicAuth);
  const urlOf = (name: string): string => `${publicUrl}/${encodeName(name)}`;
  const aborter = new AbortController();

  let refusedFiles: RefusedFile[] = [];
  let state: HostState = {
    index: buildPromptIndex([], basePath, guarded),
    basePath,
    listing: resolved.listing,
    manifest: manifestOf([]),
    checkAuth,
    signingSecret,
  };

  const scanOnce = async (): Promise<void> => {
    const previous = new Map<string, StoredPrompt>(
      state.index.prompts.map((prompt) => [prompt.source, prompt]),
    );
    const result = await ingestRoot({
      root,
      cacheDir,
      maxFileBytes: resolved.maxFileBytes,
      maxMemoryBytes: resolved.maxMemoryBytes,
      ffmpegPath: resolved.ffmpegPath,
      urlOf,
      previous,
      signal: aborter.signal,
      logger,
    });
    if (aborter.signal.aborted) return;
    // A replaced version whose streamed file has gone (e.g. a deleted cache) answers 404, not 503.
    const retired: RetiredPrompt[] = [];
    for (const entry of retire(state.index, result.prompts))
      if (await stillAtHand(entry.prompt)) retired.push(entry);
    if (aborter.signal.aborted) return;
    state = {
      ...state,
      index: buildPromptIndex(result.prompts, basePath, guarded, retired),
      manifest: manifestOf(result.prompts),
    };
    refusedFiles = result.refused;
    resolved.onIngest?.({
      prompts: result.prompts.map(publicEntry),
      refused: result.refused.map((file) => ({ ...file })),
    });
    logger?.info(
      { root, prompts: result.prompts.length, refused: result.refused.length },
      'audio root ingested',
    );
  };

  // A Play URL handed out just before a change may still be fetched: the replaced version keeps
  // answering under its hashed name for a while, as long as its verified bytes are still at hand
  // (in memory, or in the cache, which is never rewritten in place).
  const retire = (previous: PromptIndex, current: readonly StoredPrompt[]): RetiredPrompt[] => {
    const now = Date.now();
    const names = new Set(current.map((prompt) => prompt.name));
    const hashes = new Set(current.map((prompt) => prompt.hashedName));
    const replaced = previous.prompts.map((prompt) => ({
      prompt,
      until: now + resolved.keepReplacedSeconds * 1000,
    }));
    return [...previous.retired, ...replaced].filter(
      ({ prompt, until }) =>
        until > now &&
        names.has(prompt.name) &&
        !hashes.has(prompt.hashedName) &&
        (prompt.bytes !== null || prompt.converted),
    );
  };

  // Scans run one at a time; requests arriving during a scan share the next one.
  let tail: Promise<void> = Promise.resolve();
  let pending: Promise<void> | null = null;
  const rescan = (): Promise<void> => {
    if (pending !== null) return pending;
    const next = tail.then(() => {
      pending = null;
      return scanOnce();
    });
    pending = next;
    tail = next.catch((error: unknown) => {
      logger?.error({ root, error: String(error) }, 'scanning the audio root failed');
    });
    return next;
  };
  await rescan();

  let watcher: RootWatcher | undefined;
  if (resolved.watch) {
    watcher = watchRoot(
      root,
      resolved.watchDebounceMs,
      () => void rescan().catch(() => {}),
      logger,
    );
  }

  const send = (reply: Reply, req: IncomingMessage, res: ServerResponse): void => {
    if (reply.file !== null && req.method !== 'HEAD' && reply.status !== 304) {
      streamReply(reply, res).catch((error: unknown) => failStream(error, res));
      return;
    }
    res.writeHead(reply.status, reply.headers);
    res.end(req.method === 'HEAD' ? undefined : (reply.body ?? undefined));
  };

  const streamReply = async (reply: Reply, res: ServerResponse): Promise<void> => {
    const slice = reply.file!;
    const stream = await openFileSlice(slice);
    if (stream === null) {
      void rescan().catch(() => {});
      res.writeHead(FILE_CHANGED.status, FILE_CHANGED.headers);
      res.end(FILE_CHANGED.body);
      return;
    }
    // The client may have gone while the file was opened: nothing would ever end the stream.
    if (res.destroyed) {
      stream.destroy();
      return;
    }
    try {
      res.writeHead(reply.status, reply.headers);
    } catch (error) {
      stream.destroy();
      throw error;
    }
    stream.on('error', () => res.destroy());
    res.on('close', () => stream.destroy());
    // A file truncated while it is streamed ends early: cut the connection then, so that the client
    // sees an error instead of waiting on a keep-alive socket for bytes that never come.
    const expected = slice.end - slice.start + 1;
    stream.on('end', () => {
      if (stream.bytesRead === expected) return void res.end();
      res.destroy();
      void rescan().catch(() => {});
    });
    stream.pipe(res, { end: false });
  };

  // Nothing in streamReply is expected to throw; if something does, the request still gets an
  // answer (500, or a cut connection once the head is out, so a short body is never taken as whole)
  // and the process never sees an unhandled rejection.
  const failStream = (error: unknown, res: ServerResponse): void => {
    logger?.error({ error: String(error) }, 'streaming an audio reply failed');
    if (res.headersSent || res.destroyed) {
      res.destroy();
      return;
    }
    try {
      res.writeHead(INTERNAL_ERROR.status, INTERNAL_ERROR.headers);
      res.end(INTERNAL_ERROR.body);
    } catch {
      res.destroy();
    }
  };

  const serve = (req: IncomingMessage, res: ServerResponse): void => {
    try {
      const method = req.method;
      const target = requestTarget(req, basePath);
      if (!guarded && (method === 'GET' || method === 'HEAD')) {
        // Fast path: the exact canonical URL of an in-memory prompt, unconditional, no Range.
        const served = state.index.byTarget.get(target);
        const headers = req.headers;
        if (
          served !== undefined &&
          served.prompt.bytes !== null &&
          served.retiredUntil === 0 &&
          headers.range === undefined &&
          headers['if-none-match'] === undefined &&
          headers['if-modified-since'] === undefined &&
          headers['if-match'] === undefined &&
          headers['if-unmodified-since'] === undefined
        ) {
          res.writeHead(200, served.headers);
          res.end(method === 'HEAD' ? undefined : served.prompt.bytes);
          return;
        }
      }
      const decision = decideReply(
        state,
        method,
        target,
        req.headers ?? EMPTY_HEADERS,
        Math.floor(Date.now() / 1000),
      );
      if (decision.refusal !== undefined) {
        logger?.warn(
          {
            method,
            url: target.slice(0, 200),
            status: decision.reply.status,
            reason: decision.refusal,
          },
          'audio request refused',
        );
      }
      send(decision.reply, req, res);
    } catch (error) {
      logger?.error({ error: String(error) }, 'audio request failed');
      if (res.headersSent) return void res.destroy();
      res.writeHead(INTERNAL_ERROR.status, INTERNAL_ERROR.headers);
      res.end(INTERNAL_ERROR.body);
    }
  };

  const host: AudioHost = {
    handle(req, res) {
      if (!hasRequestBody(req.headers)) return serve(req, res);
      boundRequestBody(
        req,
        res,
        () => serve(req, res),
        () =>
          logger?.warn(
            { method: req.method, url: (req.url ?? '').slice(0, 200), status: 413 },
            'audio request refused: body over the limit',
          ),
      );
    },

    async fetch(request) {
      const url = new URL(request.url);
      const headers = request.headers;
      const decision = decideReply(
        state,
        request.method,
        url.pathname + url.search,
        {
          range: headers.get('range') ?? undefined,
          'if-match': headers.get('if-match') ?? undefined,
          'if-unmodified-since': headers.get('if-unmodified-since') ?? undefined,
          'if-none-match': headers.get('if-none-match') ?? undefined,
          'if-modified-since': headers.get('if-modified-since') ?? undefined,
          'if-range': headers.get('if-range') ?? undefined,
          authorization: headers.get('authorization') ?? undefined,
        },
        Math.floor(Date.now() / 1000),
      );
      const { reply } = decision;
      if (decision.refusal !== undefined) {
        logger?.warn(
          {
            method: request.method,
            url: url.pathname.slice(0, 200),
            status: reply.status,
            reason: decision.refusal,
          },
          'audio request refused',
        );
      }
      if (request.method === 'HEAD' || reply.status === 304) {
        return new Response(null, { status: reply.status, headers: reply.headers });
      }
      if (reply.file !== null) {
        const stream = await openFileSlice(reply.file);
        if (stream === null) {
          void rescan().catch(() => {});
          return new Response(FILE_CHANGED.body as Uint8Array<ArrayBuffer>, {
            status: FILE_CHANGED.status,
            headers: FILE_CHANGED.headers,
          });
        }
        return new Response(Readable.toWeb(stream) as ReadableStream<Uint8Array>, {
          status: reply.status,
          headers: reply.headers,
        });
      }
      return new Response(reply.body as Uint8Array<ArrayBuffer> | null, {
        status: reply.status,
        headers: reply.headers,
      });
    },

    urlFor(name, urlOptions = {}) {
      const listingName =
        state.listing && (name === 'index.json' || name === '') ? 'index.json' : undefined;
      const prompt = state.index.byAlias.get(name);
      if (prompt === undefined && listingName === undefined) {
        const known = state.index.prompts.map((entry) => entry.name).join(', ');
        throw new SiphookError(
          'AUDIO_PROMPT_UNKNOWN',
          `urlFor: expected the name of a served prompt (${known.length > 80 ? `${known.slice(0, 79)}…` : known || 'none are served'}); received ${JSON.stringify(name).slice(0, 80)}`,
          { name, refused: refusedFiles.find((file) => file.file === name) },
        );
      }
      const served = listingName ?? prompt!.hashedName;
      const url = urlOf(served);
      const { expiresIn } = urlOptions;
      if (signingSecret === undefined) {
        if (expiresIn !== undefined) {
          throw new SiphookError(
            'OPTIONS_INVALID',
            'urlFor: expiresIn needs a signingSecret on the host; received expiresIn without one',
            { expiresIn },
          );
        }
        return url;
      }
      const lifetime = expiresIn ?? resolved.defaultExpiresIn;
      if (!Number.isFinite(lifetime) || lifetime <= 0) {
        throw new SiphookError(
          'OPTIONS_INVALID',
          `urlFor: expiresIn: expected a positive number of seconds; received ${String(lifetime).slice(0, 80)}`,
          { expiresIn },
        );
      }
      const expires = Math.floor(Date.now() / 1000) + Math.ceil(lifetime);
      return `${url}?${signName(signingSecret, served, expires)}`;
    },

    prompts() {
      return state.index.prompts.map(
        ({ bytes: _bytes, sourceKey: _key, pathIdentity: _identity, ...entry }) => entry,
      );
    },

    refused() {
      return refusedFiles.map((file) => ({ ...file }));
    },

    get ready() {
      return tail;
    },

    rescan,

    async close() {
      watcher?.close();
      watcher = undefined;
      aborter.abort();
      await tail;
    },
  };
  host.handle = host.handle.bind(host);
  host.fetch = host.fetch.bind(host);
  return host;
}

/**
 * The request target to decide on. Express (and Connect) strip their mount path from `req.url`
 * and keep the whole target in `req.originalUrl`: with a `basePath`, which names the whole prefix,
 * that is the one to read, so `app.use('/audio', host.handle)` works with and without it.
 */
function requestTarget(req: IncomingMessage, basePath: string): string {
  if (basePath !== '') {
    const original = (req as { originalUrl?: unknown }).originalUrl;
    if (typeof original === 'string') return original;
  }
  return req.url ?? '';
}

/** The public view of a stored prompt: without the bytes and the bookkeeping. */
function publicEntry({
  bytes: _bytes,
  sourceKey: _key,
  pathIdentity: _identity,
  ...entry
}: StoredPrompt): PromptEntry {
  return entry;
}

function manifestOf(prompts: readonly StoredPrompt[]): Uint8Array {
  const entries = prompts.map((prompt) => ({
    name: prompt.name,
    url: prompt.url,
    source: prompt.source,
    converted: prompt.converted,
    size: prompt.size,
    durationSeconds: prompt.durationSeconds,
    hash: prompt.hash,
  }));
  return Buffer.from(`${JSON.stringify({ prompts: entries }, null, 2)}\n`, 'utf8');
}

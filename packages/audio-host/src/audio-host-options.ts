import { type BasicAuthCredentials, basicAuthIssues, isHttpUrl } from '@siphook/schema';
import { createIssue, type Issue, SiphookError, summarizeIssues } from '@siphook/schema/errors';
import type { PromptEntry, RefusedFile } from './ingest-root.js';

/**
 * The part of a logger the host uses; a pino logger fits as is. Messages are structured: the first
 * argument carries fields such as `file`, `name`, `url` and `reason`.
 */
export interface AudioHostLogger {
  info(fields: object, message?: string): void;
  warn(fields: object, message?: string): void;
  error(fields: object, message?: string): void;
}

/** Options of {@link createAudioHost}. Only `root` and `publicUrl` are required. */
export interface AudioHostOptions {
  /** Folder of prompts. Files are served by their path below it; hidden entries (`.name`) are skipped. */
  root: string;
  /**
   * Absolute http(s) URL at which the host's mount point is reachable from sipgate.io, including
   * any prefix, e.g. `https://example.com/audio`. `urlFor` builds every URL from it.
   */
  publicUrl: string;
  /**
   * Path prefix the host is mounted under (e.g. `/audio`). `handle` and `fetch` strip it from the
   * request target and answer 404 for anything outside it. Default: `''` (mounted at `/`).
   */
  basePath?: string;
  /**
   * Where converted prompts are kept, named by the SHA-256 of their source so that a restart reuses
   * them. Default: `<root>/.siphook-cache` (hidden, so never scanned or served). Created on the first
   * conversion only.
   */
  cacheDir?: string;
  /** Re-ingest when files under `root` change (fs.watch, debounced). Default: false. */
  watch?: boolean;
  /** Quiet time after the last change before re-ingesting, in ms. Default: 150. */
  watchDebounceMs?: number;
  /** Serve a JSON manifest of the prompts at `/` and `/index.json`. Default: false (404). */
  listing?: boolean;
  /** Require HTTP Basic authentication on every request. */
  basicAuth?: BasicAuthCredentials;
  /**
   * Require an HMAC-SHA256 signed, expiring query (`?exp=…&sig=…`) on every request; `urlFor` adds
   * it. At least 16 characters.
   */
  signingSecret?: string;
  /** Lifetime of signed URLs from `urlFor` when no `expiresIn` is given, in seconds. Default: 3600. */
  defaultExpiresIn?: number;
  /**
   * After a prompt changes, how long the hashed URL of the replaced version keeps answering, in
   * seconds, so that a Play URL handed out just before the change still plays. 0 turns this off.
   * Default: 600.
   */
  keepReplacedSeconds?: number;
  /** Largest source file ingested, in bytes; larger files are refused. Default: 64 MiB. */
  maxFileBytes?: number;
  /** Prompts up to this size are kept in memory; larger ones are streamed from disk. Default: 1 MiB. */
  maxMemoryBytes?: number;
  /** Path to ffmpeg for conversions; default: whatever `@siphook/wav` finds. */
  ffmpegPath?: string;
  /** Structured logger (pino fits). Default: silent. */
  logger?: AudioHostLogger;
  /**
   * Called after every scan (the first one included) with what is served and what was refused;
   * with `watch`, this is how a caller learns that URLs changed.
   */
  onIngest?: (result: IngestSummary) => void;
}

/** What one scan of the root produced, as handed to `onIngest`. */
export interface IngestSummary {
  prompts: PromptEntry[];
  refused: RefusedFile[];
}

/** Options after validation, with defaults filled in. */
export interface ResolvedOptions {
  root: string;
  publicUrl: string;
  basePath: string;
  cacheDir: string | undefined;
  watch: boolean;
  watchDebounceMs: number;
  listing: boolean;
  basicAuth: BasicAuthCredentials | undefined;
  signingSecret: string | undefined;
  defaultExpiresIn: number;
  keepReplacedSeconds: number;
  maxFileBytes: number;
  maxMemoryBytes: number;
  ffmpegPath: string | undefined;
  logger: AudioHostLogger | undefined;
  onIngest: ((result: IngestSummary) => void) | undefined;
}

const BASE_PATH = /^(\/[A-Za-z0-9._~!$&'()*+,;=@-]+)+$/;

/**
 * Validates {@link AudioHostOptions} at the edge and fills in defaults.
 * @throws SiphookError `OPTIONS_INVALID` with `details.issues`, one per wrong field
 */
export function resolveOptions(options: AudioHostOptions): ResolvedOptions {
  const issues: Issue[] = [];
  const input = (options ?? {}) as unknown as Record<string, unknown>;
  const root = input['root'];
  if (typeof root !== 'string' || root === '') {
    issues.push(createIssue('FIELD_INVALID', 'root', 'a folder path', root));
  }
  let publicUrl = input['publicUrl'];
  if (typeof publicUrl !== 'string' || !isHttpUrl(publicUrl, { query: false })) {
    issues.push(
      createIssue(
        'FIELD_INVALID',
        'publicUrl',
        'an absolute http(s) URL without query or fragment',
        publicUrl,
      ),
    );
  } else {
    publicUrl = (publicUrl as string).replace(/\/+$/, '');
  }
  let basePath = input['basePath'] ?? '';
  if (typeof basePath !== 'string') {
    issues.push(createIssue('FIELD_INVALID', 'basePath', 'a path such as "/audio"', basePath));
  } else {
    basePath = basePath.replace(/\/+$/, '');
    const segments = (basePath as string).split('/');
    if (
      basePath !== '' &&
      (!BASE_PATH.test(basePath as string) || segments.some((s) => s === '.' || s === '..'))
    ) {
      issues.push(
        createIssue('FIELD_INVALID', 'basePath', 'a path such as "/audio"', input['basePath']),
      );
    }
  }
  optionalString(input, 'cacheDir', 'a folder path', issues);
  optionalBoolean(input, 'watch', issues);
  optionalBoolean(input, 'listing', issues);
  if (input['basicAuth'] !== undefined)
    issues.push(...basicAuthIssues(input['basicAuth'], 'basicAuth'));
  const secret = input['signingSecret'];
  if (secret !== undefined && (typeof secret !== 'string' || secret.length < 16)) {
    issues.push(
      createIssue(
        'FIELD_INVALID',
        'signingSecret',
        'a string of at least 16 characters',
        typeof secret === 'string' ? `(${secret.length} characters)` : secret,
      ),
    );
  }
  optionalPositiveInteger(input, 'watchDebounceMs', issues);
  optionalPositiveInteger(input, 'defaultExpiresIn', issues);
  const keep = input['keepReplacedSeconds'];
  if (keep !== undefined && !(Number.isSafeInteger(keep) && (keep as number) >= 0)) {
    issues.push(createIssue('FIELD_INVALID', 'keepReplacedSeconds', 'an integer >= 0', keep));
  }
  optionalPositiveInteger(input, 'maxFileBytes', issues);
  optionalPositiveInteger(input, 'maxMemoryBytes', issues);
  optionalString(input, 'ffmpegPath', 'a file path', issues);
  if (input['onIngest'] !== undefined && typeof input['onIngest'] !== 'function') {
    issues.push(createIssue('FIELD_INVALID', 'onIngest', 'a function', typeof input['onIngest']));
  }
  if (issues.length > 0) {
    throw new SiphookError(
      'OPTIONS_INVALID',
      summarizeIssues('createAudioHost: invalid options', issues),
      {
        issues,
      },
    );
  }
  return {
    root: root as string,
    publicUrl: publicUrl as string,
    basePath: basePath as string,
    cacheDir: options.cacheDir,
    watch: options.watch ?? false,
    watchDebounceMs: options.watchDebounceMs ?? 150,
    listing: options.listing ?? false,
    basicAuth: options.basicAuth,
    signingSecret: options.signingSecret,
    defaultExpiresIn: options.defaultExpiresIn ?? 3600,
    keepReplacedSeconds: options.keepReplacedSeconds ?? 600,
    maxFileBytes: options.maxFileBytes ?? 64 * 1024 * 1024,
    maxMemoryBytes: options.maxMemoryBytes ?? 1024 * 1024,
    ffmpegPath: options.ffmpegPath,
    logger: options.logger,
    onIngest: options.onIngest,
  };
}

function optionalString(
  input: Record<string, unknown>,
  field: string,
  expected: string,
  issues: Issue[],
): void {
  const value = input[field];
  if (value !== undefined && (typeof value !== 'string' || value === '')) {
    issues.push(createIssue('FIELD_INVALID', field, expected, value));
  }
}

function optionalBoolean(input: Record<string, unknown>, field: string, issues: Issue[]): void {
  const value = input[field];
  if (value !== undefined && typeof value !== 'boolean') {
    issues.push(createIssue('FIELD_INVALID', field, 'true or false', value));
  }
}

function optionalPositiveInteger(
  input: Record<string, unknown>,
  field: string,
  issues: Issue[],
): void {
  const value = input[field];
  if (value !== undefined && !(Number.isSafeInteger(value) && (value as number) > 0)) {
    issues.push(createIssue('FIELD_INVALID', field, 'a positive integer', value));
  }
}

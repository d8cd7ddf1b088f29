import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { InspectAuth } from '@siphook/call-log';
import { createIssue, type Issue, isHttpUrl, SiphookError, summarizeIssues } from '@siphook/schema';
import { type EngineSpec, EngineSpecSchema } from '@siphook/tts';
import type { CallStore } from '@siphook/webhook';
import type { Logger } from 'pino';
import type { FlowInput } from './flow-schema.js';

/** Basic-auth credentials sipgate.io must send (put them in the URL in the dashboard). */
export interface BasicAuthCredentials {
  username: string;
  password: string;
}

/** Options of {@link createServer}; everything is optional. */
export interface ServerConfig {
  /** Flow file path (YAML or JSON) or flow object. Default: the bundled demo flow. */
  flow?: string | FlowInput;
  /** Port to listen on; `0` picks a free one. Default 3000. */
  port?: number;
  /**
   * Address to listen on. Default `127.0.0.1`: reachable from this machine only, which is right
   * behind a tunnel (ngrok, cloudflared) or a reverse proxy. Use `0.0.0.0` to take sipgate.io's
   * requests directly.
   */
  host?: string;
  /**
   * The URL sipgate.io reaches this server at (what goes into the dashboard). Prompt and callback
   * URLs are made from it. Default: the address the server listens on.
   */
  publicUrl?: string;
  /** Require HTTP Basic auth on webhook requests (not on prompts or `/healthz`). */
  basicAuth?: BasicAuthCredentials;
  /** Check `X-Sipgate-Signature` (sipgate.io's key plus `trustKeys`). Default true. */
  signature?: boolean;
  /** More public keys to accept signatures from (e.g. a simulator's): PEM text or PEM file paths. */
  trustKeys?: string[];
  /** Serve HTTPS with this certificate and key: PEM text or PEM file paths. */
  tls?: { cert: string; key: string };
  /** pino level: `fatal`, `error`, `warn`, `info` (default), `debug`, `trace` or `silent`. */
  logLevel?: string;
  /** Your own pino logger (then `logLevel` is ignored). Default: pino JSON lines on stderr. */
  logger?: Logger;
  /** How long `close()` waits for in-flight requests before cutting connections, in ms. Default 10000. */
  graceMs?: number;
  /** Largest webhook body in bytes (413 beyond). Default 65536. */
  maxBodyBytes?: number;
  /** Time a flow may take before the fallback response, in ms. Default 8000. */
  deadlineMs?: number;
  /** Folder relative paths (flow, keys, certificates) are resolved against. Default `process.cwd()`. */
  cwd?: string;
  /**
   * Where call state lives. Default: in this process's memory. Several instances (or
   * `--workers`) share one store such as `@siphook/redis-store`'s; the server does not close it.
   */
  store?: CallStore;
  /** How the banner names `store` (a Redis URL without its password). Default `memory`. */
  storeName?: string;
  /**
   * How the prompts of `say:` steps are made: `engine` (default `espeak-ng`), `cacheDir` (default
   * `<prompts folder>/.siphook-cache/say`), `timeoutMs` per prompt (default 30000).
   */
  tts?: { engine?: EngineSpec; cacheDir?: string; timeoutMs?: number };
  /**
   * Record every push and its answer into this SQLite file (relative to `cwd`) and serve the
   * inspector page at `/inspect/` (see `@siphook/call-log`). Off by default.
   */
  callLog?: string;
  /** How long calls stay in the call log, in ms. Default 30 days; 0 keeps every call. */
  callLogRetentionMs?: number;
  /** Store phone numbers in the call log as keyed hashes. Default false. */
  callLogHashNumbers?: boolean;
  /** Basic auth or a token for `/inspect/`; required when `host` is not loopback. */
  inspectAuth?: InspectAuth;
}

/** The log levels pino knows, plus `silent`. */
export const LOG_LEVELS: readonly string[] = [
  'fatal',
  'error',
  'warn',
  'info',
  'debug',
  'trace',
  'silent',
];

/** {@link ServerConfig} after validation, with defaults filled in and PEM files read. */
export interface ResolvedServerConfig {
  port: number;
  host: string;
  publicUrl: string | undefined;
  basicAuth: BasicAuthCredentials | undefined;
  signature: boolean;
  trustKeys: string[];
  /** Where each trusted key came from: its file path, or `(PEM text)`. */
  trustKeySources: string[];
  tls: { cert: string; key: string } | undefined;
  logLevel: string;
  graceMs: number;
  cwd: string;
  /** `say:` settings, with the engine defaulted and the cache folder resolved against `cwd`. */
  tts: { engine: EngineSpec; cacheDir: string | undefined; timeoutMs: number | undefined };
}

const PEM = /-----BEGIN [A-Z0-9 ]+-----/;

/**
 * Validates a {@link ServerConfig} at the edge and reads PEM files.
 *
 * @throws {SiphookError} `OPTIONS_INVALID` with `details.issues` (one per wrong field), or
 *   `CONFIG_READ` when a key or certificate file cannot be read.
 */
export async function resolveServerConfig(config: ServerConfig): Promise<ResolvedServerConfig> {
  const issues: Issue[] = [];
  const cwd = config.cwd ?? process.cwd();
  const port = config.port ?? 3000;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    issues.push(createIssue('FIELD_INVALID', 'port', 'an integer from 0 to 65535', port));
  }
  const host = config.host ?? '127.0.0.1';
  if (typeof host !== 'string' || host === '') {
    issues.push(createIssue('FIELD_INVALID', 'host', 'an address such as 127.0.0.1', host));
  }
  let publicUrl = config.publicUrl;
  if (publicUrl !== undefined) {
    if (!isHttpUrl(publicUrl, { query: false })) {
      issues.push(
        createIssue(
          'FIELD_INVALID',
          'publicUrl',
          'an absolute http(s) URL without query, e.g. https://hooks.example.com',
          publicUrl,
        ),
      );
    } else {
      publicUrl = publicUrl.replace(/\/+$/, '');
    }
  }
  const auth = config.basicAuth;
  if (auth !== undefined) {
    if (typeof auth.username !== 'string' || auth.username === '' || auth.username.includes(':')) {
      issues.push(
        createIssue(
          'FIELD_INVALID',
          'basicAuth.username',
          'a non-empty name without ":"',
          auth.username,
        ),
      );
    }
    if (typeof auth.password !== 'string' || auth.password === '') {
      issues.push(createIssue('FIELD_INVALID', 'basicAuth.password', 'a non-empty password', ''));
    }
  }
  const logLevel = config.logLevel ?? 'info';
  if (!LOG_LEVELS.includes(logLevel)) {
    issues.push(createIssue('FIELD_INVALID', 'logLevel', LOG_LEVELS.join(', '), logLevel));
  }
  const graceMs = config.graceMs ?? 10_000;
  if (!Number.isInteger(graceMs) || graceMs < 0) {
    issues.push(createIssue('FIELD_INVALID', 'graceMs', 'an integer >= 0', graceMs));
  }
  if (config.tls !== undefined && (!config.tls.cert || !config.tls.key)) {
    issues.push(createIssue('FIELD_INVALID', 'tls', 'both cert and key', '(one missing)'));
  }
  const tts = config.tts ?? {};
  const engine = EngineSpecSchema.safeParse(tts.engine ?? 'espeak-ng');
  if (!engine.success) {
    issues.push(
      createIssue('FIELD_INVALID', 'tts.engine', engine.error.issues[0]!.message, tts.engine),
    );
  }
  if (tts.cacheDir !== undefined && (typeof tts.cacheDir !== 'string' || tts.cacheDir === '')) {
    issues.push(createIssue('FIELD_INVALID', 'tts.cacheDir', 'a folder path', tts.cacheDir));
  }
  if (tts.timeoutMs !== undefined && !(Number.isSafeInteger(tts.timeoutMs) && tts.timeoutMs > 0)) {
    issues.push(
      createIssue('FIELD_INVALID', 'tts.timeoutMs', 'milliseconds, an integer > 0', tts.timeoutMs),
    );
  }
  if (issues.length > 0) {
    throw new SiphookError(
      'OPTIONS_INVALID',
      summarizeIssues('server config is invalid:', issues),
      {
        issues,
      },
    );
  }
  const trustKeys = await Promise.all(
    (config.trustKeys ?? []).map((key, i) => readPem(key, `trustKeys[${i}]`, cwd)),
  );
  const tls =
    config.tls === undefined
      ? undefined
      : {
          cert: await readPem(config.tls.cert, 'tls.cert', cwd),
          key: await readPem(config.tls.key, 'tls.key', cwd),
        };
  return {
    port,
    host,
    publicUrl,
    basicAuth: auth,
    signature: config.signature ?? true,
    trustKeys,
    trustKeySources: (config.trustKeys ?? []).map((key) =>
      PEM.test(key) ? '(PEM text)' : path.resolve(cwd, key),
    ),
    tls,
    logLevel,
    graceMs,
    cwd,
    tts: {
      engine: engine.data ?? 'espeak-ng',
      cacheDir: tts.cacheDir === undefined ? undefined : path.resolve(cwd, tts.cacheDir),
      timeoutMs: tts.timeoutMs,
    },
  };
}

/** PEM text as given, or the contents of the PEM file it names. */
async function readPem(value: string, field: string, cwd: string): Promise<string> {
  if (PEM.test(value)) return value;
  const file = path.resolve(cwd, value);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new SiphookError(
      'CONFIG_READ',
      `${field}: cannot read PEM file ${file}: ${(error as Error).message}`,
      { field, file },
      { cause: error },
    );
  }
  if (!PEM.test(text)) {
    const issue = createIssue('FIELD_INVALID', field, 'a PEM file (-----BEGIN …-----)', text);
    throw new SiphookError(
      'OPTIONS_INVALID',
      summarizeIssues('server config is invalid:', [issue]),
      {
        issues: [issue],
      },
    );
  }
  return text;
}

/**
 * Reads `user:pass` (the form of `--basic-auth` and `SIPHOOK_BASIC_AUTH`).
 *
 * @throws {SiphookError} `OPTIONS_INVALID` when there is no `:` or either side is empty.
 */
export function parseBasicAuth(value: string): BasicAuthCredentials {
  const colon = value.indexOf(':');
  if (colon <= 0 || colon === value.length - 1) {
    const issue = createIssue(
      'FIELD_INVALID',
      'basicAuth',
      'user:password, both non-empty',
      colon < 0 ? '(no ":")' : '(an empty side)',
    );
    throw new SiphookError(
      'OPTIONS_INVALID',
      summarizeIssues('server config is invalid:', [issue]),
      {
        issues: [issue],
      },
    );
  }
  return { username: value.slice(0, colon), password: value.slice(colon + 1) };
}

import { SiphookError } from '@siphook/schema/errors';

/** A checked `redis://` or `rediss://` URL: where to connect, and how to name it in logs. */
export interface RedisUrl {
  /** The URL as given, credentials included: only for the client. */
  url: string;
  /** True for `rediss://` (TLS). */
  tls: boolean;
  host: string;
  port: number;
  /** The database number from the path (`/2`); 0 when absent. */
  database: number;
  /** The URL with its password replaced by `***`: for messages and logs. */
  redacted: string;
}

const EXPECTED = 'redis://[user:password@]host[:port][/db] or rediss:// (TLS)';
const DATABASE_PATH = /^(?:\/(\d{1,5})?\/?)?$/;
const DEFAULT_PORT = 6379;

/**
 * Replaces the password in a URL-like text with `***`: everything between the first `:` of the
 * user part and the last `@` before the path. Works on text that is not a valid URL too, since
 * it runs on bad input before any parsing.
 *
 * @example redactPassword('redis://app:s3cret@db:6379/0') // 'redis://app:***@db:6379/0'
 */
export function redactPassword(text: string): string {
  const schemeEnd = text.indexOf('://');
  if (schemeEnd < 0) return text;
  const authorityStart = schemeEnd + 3;
  const pathStart = text.slice(authorityStart).search(/[/?#]/);
  const authority =
    pathStart < 0
      ? text.slice(authorityStart)
      : text.slice(authorityStart, authorityStart + pathStart);
  const at = authority.lastIndexOf('@');
  if (at < 0) return text;
  const colon = authority.indexOf(':');
  if (colon < 0 || colon > at) return text;
  return `${text.slice(0, authorityStart + colon)}:***${text.slice(authorityStart + at)}`;
}

function invalid(text: string, problem: string): SiphookError {
  const shown = redactPassword(text);
  const received = shown.length > 80 ? `${shown.slice(0, 79)}…` : shown;
  return new SiphookError(
    'OPTIONS_INVALID',
    `store URL: ${problem}; expected ${EXPECTED}; received "${received}"`,
    { field: 'store', expected: EXPECTED, received },
  );
}

/**
 * Checks a Redis URL at the edge (a CLI flag, an environment variable, an option) and names it
 * without its password.
 *
 * @throws {SiphookError} `OPTIONS_INVALID` naming the URL without its password.
 * @example parseRedisUrl('rediss://:pw@cache.example.com:6380/1')
 * // { tls: true, host: 'cache.example.com', port: 6380, database: 1,
 * //   redacted: 'rediss://:***@cache.example.com:6380/1', url: … }
 */
export function parseRedisUrl(text: string): RedisUrl {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw invalid(text, 'not a URL');
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:')
    throw invalid(text, `scheme ${url.protocol} is not redis: or rediss:`);
  if (url.hostname === '') throw invalid(text, 'no host');
  if (url.search !== '' || url.hash !== '') throw invalid(text, 'a query or fragment');
  const path = DATABASE_PATH.exec(url.pathname);
  if (path === null) throw invalid(text, `path ${url.pathname} is not a database number`);
  const database = Number(path[1] ?? 0);
  if (database > 65535) throw invalid(text, `database ${database} is out of range`);
  const port = url.port === '' ? DEFAULT_PORT : Number(url.port);
  if (port === 0) throw invalid(text, 'port 0');
  return {
    url: text,
    tls: url.protocol === 'rediss:',
    host: url.hostname,
    port,
    database,
    redacted: redactPassword(text),
  };
}

/** A request target that passed the traversal checks: the decoded prompt name and the raw query. */
export interface ParsedTarget {
  ok: true;
  /** Decoded path below the mount, without the leading slash; `''` for the mount root. */
  name: string;
  /** Raw query string without `?`, `''` when absent. */
  query: string;
}

/** A refused request target: always 400, with the reason for logs (never sent with file data). */
export interface RefusedTarget {
  ok: false;
  status: 400;
  reason: string;
}

const MAX_TARGET_LENGTH = 2048;
// Decoded segments must not smuggle separators, drive letters, double encoding or control bytes.
const FORBIDDEN_DECODED = /[/\\%:\u0000-\u001f\u007f]/;

/**
 * Checks a raw request target (`req.url`, mount prefix already removed) before anything looks it
 * up. Refuses `..` and `.` segments (plain or percent-encoded), encoded `/` and `\`, double
 * encoding, NUL and control bytes, backslashes, empty segments (`//etc/passwd`), drive letters,
 * absolute-form targets (`http://…`) and malformed percent-encoding.
 *
 * The host never builds a file path from a request: names are only looked up in the prompt index.
 * This check is the second wall, and it tells an attack (400) from a miss (404).
 *
 * @example
 * parseRequestTarget('/welcome.wav?exp=1') // { ok: true, name: 'welcome.wav', query: 'exp=1' }
 * parseRequestTarget('/%2e%2e/etc/passwd').ok // false
 */
export function parseRequestTarget(target: string): ParsedTarget | RefusedTarget {
  if (target.length > MAX_TARGET_LENGTH)
    return refuse('request target is longer than 2048 characters');
  const queryStart = target.indexOf('?');
  const path = queryStart === -1 ? target : target.slice(0, queryStart);
  const query = queryStart === -1 ? '' : target.slice(queryStart + 1);
  if (path.charCodeAt(0) !== 47) return refuse('request path must start with "/"');
  if (path === '/') return { ok: true, name: '', query };
  if (path.includes('\\')) return refuse('request path contains a backslash');
  if (path.includes('\u0000')) return refuse('request path contains NUL');
  if (path.includes('#')) return refuse('request path contains "#"');
  const segments = path.slice(1).split('/');
  for (let i = 0; i < segments.length; i++) {
    const raw = segments[i]!;
    if (raw === '') return refuse('request path has an empty segment');
    let decoded: string;
    try {
      decoded = raw.includes('%') ? decodeURIComponent(raw) : raw;
    } catch {
      return refuse('request path has malformed percent-encoding');
    }
    if (decoded === '.' || decoded === '..') return refuse('request path contains a dot segment');
    if (FORBIDDEN_DECODED.test(decoded)) {
      return refuse('request path segment contains "/", "\\", "%", ":" or a control character');
    }
    segments[i] = decoded;
  }
  return { ok: true, name: segments.join('/'), query };
}

function refuse(reason: string): RefusedTarget {
  return { ok: false, status: 400, reason };
}

import { z } from 'zod';
import { createIssue, type Issue, SiphookError, summarizeIssues } from './siphook-error.js';
import { fromZodIssues } from './zod-issues.js';

const USERNAME_EXPECTED = 'a non-empty user name without ":"';
const PASSWORD_EXPECTED = 'a non-empty password';

/**
 * HTTP Basic-auth credentials (RFC 7617), as sipgate.io sends them for a push URL of the form
 * `https://user:pass@host/`. The user name cannot hold a colon, since the colon ends it on the wire.
 */
export const BasicAuthCredentialsSchema = z.strictObject({
  username: z
    .string({ error: USERNAME_EXPECTED })
    .min(1, { error: USERNAME_EXPECTED })
    .refine((name) => !name.includes(':'), { error: USERNAME_EXPECTED }),
  password: z.string({ error: PASSWORD_EXPECTED }).min(1, { error: PASSWORD_EXPECTED }),
});

/** Username and password for HTTP Basic authentication. */
export type BasicAuthCredentials = z.infer<typeof BasicAuthCredentialsSchema>;

/**
 * Checks credentials given as an option (`basicAuth: { username, password }`) against
 * {@link BasicAuthCredentialsSchema}, and names each problem under `field`. A password never
 * appears in an issue, not even a wrong one: it shows as `"(hidden)"`.
 *
 * @example
 * basicAuthIssues({ username: 'a:b', password: 'x' }, 'basicAuth')[0].path // 'basicAuth.username'
 */
export function basicAuthIssues(value: unknown, field: string): Issue[] {
  const result = BasicAuthCredentialsSchema.safeParse(value);
  if (result.success) return [];
  const shown =
    typeof value === 'object' && value !== null && 'password' in value
      ? { ...value, password: '(hidden)' }
      : value;
  const issues = result.error.issues.map((issue) => ({ ...issue, path: [field, ...issue.path] }));
  return fromZodIssues(issues, { [field]: shown });
}

/**
 * Reads `user:pass`, the form of every `--basic-auth` option and `*_BASIC_AUTH` variable. The
 * password may hold further colons; neither side may be empty.
 *
 * @throws {SiphookError} `OPTIONS_INVALID` naming `field` when the text is not `user:pass`.
 * @example
 * parseBasicAuth('sipgate:s3cret:x') // { username: 'sipgate', password: 's3cret:x' }
 */
export function parseBasicAuth(text: string, field = '--basic-auth'): BasicAuthCredentials {
  const colon = text.indexOf(':');
  if (colon <= 0 || colon === text.length - 1) {
    const received =
      colon < 0 ? 'no ":"' : colon === 0 ? 'an empty user name' : 'an empty password';
    const issue = createIssue('FIELD_INVALID', field, 'user:password, both non-empty', received);
    throw new SiphookError('OPTIONS_INVALID', summarizeIssues(`${field} is invalid:`, [issue]), {
      issues: [issue],
    });
  }
  return { username: text.slice(0, colon), password: text.slice(colon + 1) };
}

/**
 * The `Authorization` header value for the credentials: `Basic base64(user:pass)`, UTF-8 as
 * RFC 7617 recommends.
 */
export function basicAuthorization(credentials: BasicAuthCredentials): string {
  return `Basic ${encodeBase64(`${credentials.username}:${credentials.password}`)}`;
}

/** Checks an `Authorization` header value; true when it carries the configured credentials. */
export type BasicAuthCheck = (authorization: string | null | undefined) => boolean;

const BASIC_SCHEME = /^basic +/i;

/**
 * Builds a Basic-auth check. Parsing is strict, as nginx's: the scheme (any case), spaces, then the
 * credentials in canonical base64 and nothing else, so `Basic <valid>!!` is refused. The compare
 * takes the same time for every guess ({@link timingSafeEqual}).
 *
 * @example
 * const check = createBasicAuthCheck({ username: 'sipgate', password: 's3cret' });
 * check('Basic c2lwZ2F0ZTpzM2NyZXQ=') // true
 */
export function createBasicAuthCheck(credentials: BasicAuthCredentials): BasicAuthCheck {
  // Canonical base64 has exactly one spelling, so comparing encoded text compares the credentials
  // and refuses every other spelling (missing padding, trailing bytes, non-zero pad bits).
  const expected = encodeBase64(`${credentials.username}:${credentials.password}`);
  return (authorization) => {
    if (typeof authorization !== 'string') return false;
    const scheme = BASIC_SCHEME.exec(authorization);
    if (scheme === null) return false;
    return timingSafeEqual(authorization.slice(scheme[0].length), expected);
  };
}

/**
 * Compares two strings in time that depends only on the length of `expected`, never on where a
 * guess goes wrong or on the guess's own length. Use it for every secret: passwords, tokens.
 */
export function timingSafeEqual(given: string, expected: string): boolean {
  let difference = given.length ^ expected.length;
  const length = given.length;
  for (let i = 0; i < expected.length; i++) {
    // A short guess is read cyclically, so the loop does the same work whatever it holds.
    difference |= (length === 0 ? 0 : given.charCodeAt(i % length)) ^ expected.charCodeAt(i);
  }
  return difference === 0;
}

const encoder = new TextEncoder();

function encodeBase64(text: string): string {
  let binary = '';
  for (const byte of encoder.encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

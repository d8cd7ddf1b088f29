import {
  type BasicAuthCredentials,
  createBasicAuthCheck,
  describeReceived,
  parseBasicAuth,
  SiphookError,
  timingSafeEqual,
} from '@siphook/schema';

/** How the inspector is protected: Basic auth, or a token (a Bearer header or a cookie). */
export type InspectAuth = { basic: BasicAuthCredentials } | { token: string };

const TOKEN_PREFIX = 'token:';
const MIN_TOKEN_LENGTH = 16;
/** The cookie a `?token=` visit sets, so that the page's own requests carry the token. */
export const INSPECT_TOKEN_COOKIE = 'siphook_inspect';

/**
 * Reads `--inspect-auth`: `user:pass` for Basic auth, or `token:SECRET` (at least 16 characters)
 * for a token.
 *
 * @throws {SiphookError} `OPTIONS_INVALID` naming the option for anything else.
 * @example
 * parseInspectAuth('token:9f1c2d3e4f5a6b7c8d9e') // { token: '9f1c2d3e4f5a6b7c8d9e' }
 */
export function parseInspectAuth(text: string, field = '--inspect-auth'): InspectAuth {
  if (text.startsWith(TOKEN_PREFIX)) {
    const token = text.slice(TOKEN_PREFIX.length);
    if (token.length < MIN_TOKEN_LENGTH || /[\s;,]/.test(token)) {
      throw new SiphookError(
        'OPTIONS_INVALID',
        `${field}: expected token:SECRET with at least ${MIN_TOKEN_LENGTH} characters and no spaces, commas or semicolons; received a token of ${token.length} characters`,
        { path: field },
      );
    }
    return { token };
  }
  return { basic: parseBasicAuth(text, field) };
}

/** What a request to the inspector carries, checked in constant time. */
export type InspectAuthCheck = (request: Request) => boolean;

/**
 * Builds the check of {@link InspectAuth}: the Basic-auth header, or the token as
 * `Authorization: Bearer …` or in the {@link INSPECT_TOKEN_COOKIE} cookie.
 */
export function createInspectAuthCheck(auth: InspectAuth): InspectAuthCheck {
  if ('basic' in auth) {
    const check = createBasicAuthCheck(auth.basic);
    return (request) => check(request.headers.get('authorization'));
  }
  if (typeof auth.token !== 'string' || auth.token === '') {
    throw new SiphookError(
      'OPTIONS_INVALID',
      `inspectAuth.token: expected a non-empty string; received ${describeReceived(auth.token)}`,
      { path: 'inspectAuth.token' },
    );
  }
  return (request) => {
    const header = request.headers.get('authorization');
    if (header !== null && /^bearer +/i.test(header)) {
      return timingSafeEqual(header.replace(/^bearer +/i, ''), auth.token);
    }
    const cookie = cookieValue(request.headers.get('cookie'), INSPECT_TOKEN_COOKIE);
    return cookie !== undefined && timingSafeEqual(cookie, auth.token);
  };
}

function cookieValue(header: string | null, name: string): string | undefined {
  if (header === null) return undefined;
  for (const part of header.split(';')) {
    const equals = part.indexOf('=');
    if (equals > 0 && part.slice(0, equals).trim() === name) return part.slice(equals + 1).trim();
  }
  return undefined;
}

const LOOPBACK = /^(?:localhost|127(?:\.\d{1,3}){3}|::1|\[::1\]|::ffff:127(?:\.\d{1,3}){3})$/i;

/** True for an address only this machine can reach: `localhost`, 127.0.0.0/8, `::1`. */
export function isLoopbackHost(host: string): boolean {
  return LOOPBACK.test(host);
}

/**
 * The inspector shows personal data: on any address but loopback it must have `--inspect-auth`.
 *
 * @throws {SiphookError} `OPTIONS_INVALID` when `host` is not loopback and `auth` is missing.
 */
export function requireInspectAuth(host: string, auth: InspectAuth | undefined): void {
  if (auth !== undefined || isLoopbackHost(host)) return;
  throw new SiphookError(
    'OPTIONS_INVALID',
    `--inspect-auth: required when the inspector listens on ${host}, which is not loopback (it shows phone numbers); give user:pass or token:SECRET, or listen on 127.0.0.1`,
    { path: '--inspect-auth' },
  );
}

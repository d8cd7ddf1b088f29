import { SiphookError } from '@siphook/schema';

/** Basic-auth credentials, from a URL's `user:pass@` or from `--basic-auth user:pass`. */
export interface BasicAuth {
  username: string;
  password: string;
}

/** A URL ready for undici: credentials moved out of the URL into an `Authorization` header. */
export interface PushTarget {
  /** The URL without `user:pass@`. */
  url: string;
  /** `Basic …` when the URL carried credentials or they were given separately. */
  authorization?: string;
}

/**
 * Splits a push URL into a credential-free URL and an `Authorization` header. sipgate.io takes
 * Basic-auth credentials inside the URL (`https://user:pass@host:8080`); undici refuses such
 * URLs, so they travel as a header instead. Credentials in the URL win over `fallback`.
 *
 * @throws {SiphookError} `TARGET_INVALID` when the text is not an absolute http(s) URL.
 */
export function toPushTarget(text: string, fallback?: BasicAuth): PushTarget {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new SiphookError(
      'TARGET_INVALID',
      `target URL: expected an absolute http(s) URL; received ${JSON.stringify(text.slice(0, 80))}`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new SiphookError(
      'TARGET_INVALID',
      `target URL: expected an http: or https: URL; received ${JSON.stringify(url.protocol)}`,
    );
  }
  let auth = fallback;
  if (url.username !== '' || url.password !== '') {
    auth = {
      username: decodeURIComponent(url.username),
      password: decodeURIComponent(url.password),
    };
    url.username = '';
    url.password = '';
  }
  const target: PushTarget = { url: url.href };
  if (auth) target.authorization = basicAuthorization(auth);
  return target;
}

/** `Basic base64(user:pass)`, as RFC 7617 writes it. */
export function basicAuthorization(auth: BasicAuth): string {
  return `Basic ${Buffer.from(`${auth.username}:${auth.password}`, 'utf8').toString('base64')}`;
}

/**
 * Reads `user:pass` (the password may contain further colons).
 *
 * @throws {SiphookError} `BASIC_AUTH_INVALID` when there is no colon or no user name.
 */
export function parseBasicAuth(text: string): BasicAuth {
  const colon = text.indexOf(':');
  if (colon <= 0) {
    throw new SiphookError(
      'BASIC_AUTH_INVALID',
      `--basic-auth: expected user:password; received ${colon === 0 ? 'no user name' : 'no colon'}`,
    );
  }
  return { username: text.slice(0, colon), password: text.slice(colon + 1) };
}

/** URLs with the same scheme, host and port: credentials given for the target also go there. */
export function sameOrigin(a: string, b: string): boolean {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}

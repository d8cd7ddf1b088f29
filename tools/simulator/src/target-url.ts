import {
  type BasicAuthCredentials,
  basicAuthorization,
  isHttpUrl,
  SiphookError,
} from '@siphook/schema';

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
 * @throws {SiphookError} `TARGET_INVALID` when the text is not an absolute http(s) URL
 *   (`isHttpUrl` of `@siphook/schema`).
 */
export function toPushTarget(text: string, fallback?: BasicAuthCredentials): PushTarget {
  if (!isHttpUrl(text)) {
    throw new SiphookError(
      'TARGET_INVALID',
      `target URL: expected an absolute http(s) URL; received ${JSON.stringify(text.slice(0, 80))}`,
    );
  }
  const url = new URL(text);
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

/** URLs with the same scheme, host and port: credentials given for the target also go there. */
export function sameOrigin(a: string, b: string): boolean {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}

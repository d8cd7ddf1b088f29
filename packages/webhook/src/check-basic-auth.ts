import { createHash, timingSafeEqual } from 'node:crypto';

/** Credentials sipgate.io sends as HTTP Basic auth (`https://user:pass@host/` in the dashboard). */
export interface BasicAuthCredentials {
  username: string;
  password: string;
}

/** Checks an `Authorization` header value; true when it carries the configured credentials. */
export type BasicAuthCheck = (authorization: string | undefined) => boolean;

const BASIC_PREFIX = /^basic[ \t]+/i;

/**
 * Builds a constant-time Basic-auth check. Both sides are hashed with SHA-256 before
 * `timingSafeEqual`, so neither the length nor the content of the secret leaks through timing.
 *
 * @example
 * const check = createBasicAuthCheck({ username: 'sipgate', password: 's3cret' });
 * check('Basic c2lwZ2F0ZTpzM2NyZXQ=') // true
 */
export function createBasicAuthCheck(credentials: BasicAuthCredentials): BasicAuthCheck {
  const expected = sha256(Buffer.from(`${credentials.username}:${credentials.password}`, 'utf8'));
  return (authorization) => {
    if (authorization === undefined) return false;
    const match = BASIC_PREFIX.exec(authorization);
    if (match === null) return false;
    const given = Buffer.from(authorization.slice(match[0].length).trim(), 'base64');
    return timingSafeEqual(sha256(given), expected);
  };
}

function sha256(bytes: Uint8Array): Buffer {
  return createHash('sha256').update(bytes).digest();
}

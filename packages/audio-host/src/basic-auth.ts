import { createHash, timingSafeEqual } from 'node:crypto';

/** Username and password a client must send with HTTP Basic authentication. */
export interface BasicAuthCredentials {
  username: string;
  password: string;
}

const BASIC_PREFIX = /^Basic[ \t]+/i;

/**
 * Builds a checker for `Authorization: Basic …` headers. Both sides are reduced to SHA-256 digests
 * of `username:password`, so `timingSafeEqual` always compares 32 equal-length bytes and the
 * comparison time does not depend on where a guess goes wrong or on its length.
 *
 * @example
 * const allowed = createBasicAuthCheck({ username: 'sipgate', password: 's3cret' });
 * allowed('Basic c2lwZ2F0ZTpzM2NyZXQ=') // true
 */
export function createBasicAuthCheck(
  credentials: BasicAuthCredentials,
): (authorization: string | undefined) => boolean {
  const expected = digest(`${credentials.username}:${credentials.password}`);
  return (authorization) => {
    if (authorization === undefined || !BASIC_PREFIX.test(authorization)) return false;
    const encoded = authorization.replace(BASIC_PREFIX, '').trim();
    const decoded = Buffer.from(encoded, 'base64').toString('utf8');
    return timingSafeEqual(digest(decoded), expected);
  };
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

import { createPrivateKey, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { SiphookError } from '@siphook/schema';

/** Header that carries the body signature, exactly as sipgate.io names it. */
export const SIGNATURE_HEADER = 'X-Sipgate-Signature';

/** A PEM key pair: `publicKey` as SPKI (what a server trusts), `privateKey` as PKCS#8. */
export interface TestKeyPair {
  publicKey: string;
  privateKey: string;
}

/**
 * Reads a private key (PEM text or a KeyObject) once, so that every push of a call reuses it.
 *
 * @throws {SiphookError} `SIGN_KEY_INVALID` when the text is not a PEM RSA private key.
 */
export function loadPrivateKey(key: string | KeyObject): KeyObject {
  if (typeof key !== 'string') {
    if (key.type !== 'private' || key.asymmetricKeyType !== 'rsa') {
      throw new SiphookError(
        'SIGN_KEY_INVALID',
        `signing key: expected an RSA private key; received a ${key.asymmetricKeyType ?? ''} ${key.type} key`,
      );
    }
    return key;
  }
  let keyObject: KeyObject;
  try {
    keyObject = createPrivateKey(key);
  } catch (error) {
    const head = key.trim().split('\n', 1)[0]?.slice(0, 60) ?? '';
    throw new SiphookError(
      'SIGN_KEY_INVALID',
      `signing key: expected a PEM RSA private key ("-----BEGIN PRIVATE KEY-----"); received "${head}"`,
      {},
      { cause: error },
    );
  }
  return loadPrivateKey(keyObject);
}

/**
 * Signs a push body as sipgate.io does: RSA PKCS#1 v1.5 with SHA-256 over the exact body bytes,
 * base64-encoded, for the `X-Sipgate-Signature` header.
 *
 * @example
 * const { privateKey } = generateTestKeyPair();
 * signBody('event=newCall&callId=1', privateKey) // 'kX3…==' (344 characters for a 2048-bit key)
 */
export function signBody(body: string | Uint8Array, privateKey: string | KeyObject): string {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  return sign('sha256', bytes, loadPrivateKey(privateKey)).toString('base64');
}

/**
 * Makes a fresh RSA key pair for tests: the private half signs simulated pushes, the public half
 * is what the server under test trusts instead of sipgate.io's key. 2048 bits unless told
 * otherwise (sipgate.io's own key has 4096; the signature scheme is the same).
 */
export function generateTestKeyPair(options: { modulusLength?: number } = {}): TestKeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', {
    modulusLength: options.modulusLength ?? 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { publicKey, privateKey };
}

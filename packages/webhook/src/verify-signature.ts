import { createPublicKey, type KeyObject, verify } from 'node:crypto';
import { describeReceived, SiphookError } from '@siphook/schema';

/** A public key as accepted by the signature check: PEM text (key or certificate) or a KeyObject. */
export type PublicKeyInput = string | Uint8Array | KeyObject;

/** Checks one body against its `X-Sipgate-Signature` value; never throws. */
export type SignatureVerifier = (body: Uint8Array, signature: string) => boolean;

/**
 * Builds a verifier for `X-Sipgate-Signature`: base64 of an RSA PKCS#1 v1.5 signature with SHA-256
 * over the raw body bytes. The keys are parsed once here; a body passes if any key verifies it
 * (key rotation, simulator test keys).
 *
 * @throws {SiphookError} `OPTIONS_INVALID` when no key is given or one cannot be parsed.
 * @example
 * const verifySignature = createSignatureVerifier([sipgatePublicKey()]);
 * verifySignature(body, request.headers.get('x-sipgate-signature') ?? '') // true or false
 */
export function createSignatureVerifier(keys: readonly PublicKeyInput[]): SignatureVerifier {
  if (keys.length === 0) {
    throw new SiphookError(
      'OPTIONS_INVALID',
      'signature.publicKeys: expected at least one public key (PEM or KeyObject); received an empty list',
    );
  }
  // An RSA PKCS#1 v1.5 signature is exactly as long as its key's modulus, so a key of another size
  // is skipped without asking OpenSSL (which would say no, but only after ~8 µs of setup).
  const candidates = keys.map(toPublicKey).map((key) => ({ key, size: signatureBytes(key) }));
  return (body, signature) => {
    const bytes = decodeBase64(signature);
    if (bytes === undefined) return false;
    for (const { key, size } of candidates) {
      if (size !== undefined && bytes.length !== size) continue;
      try {
        if (verify('sha256', body, key, bytes)) return true;
      } catch {
        // A signature of the wrong length for this key is simply not valid for it.
      }
    }
    return false;
  };
}

/** The byte length of this key's signatures; undefined if Node does not report the modulus. */
function signatureBytes(key: KeyObject): number | undefined {
  const bits = key.asymmetricKeyDetails?.modulusLength;
  return bits === undefined ? undefined : Math.ceil(bits / 8);
}

/** Strict base64 (standard alphabet, optional padding): anything else is not a signature. */
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

function decodeBase64(text: string): Buffer | undefined {
  const trimmed = text.trim();
  if (trimmed.length === 0 || trimmed.length > 4096 || !BASE64.test(trimmed)) return undefined;
  return Buffer.from(trimmed, 'base64');
}

function toPublicKey(key: PublicKeyInput, index: number): KeyObject {
  if (typeof key === 'object' && 'type' in key && !(key instanceof Uint8Array)) {
    if (key.type === 'public') return key;
    if (key.type === 'private') return createPublicKey(key);
    throw invalidKey(index, `a ${key.type} KeyObject`);
  }
  try {
    const publicKey = createPublicKey(typeof key === 'string' ? key : Buffer.from(key));
    if (publicKey.asymmetricKeyType !== 'rsa') {
      throw invalidKey(index, `a ${publicKey.asymmetricKeyType ?? 'non-RSA'} key`);
    }
    return publicKey;
  } catch (error) {
    if (error instanceof SiphookError) throw error;
    const text = typeof key === 'string' ? key : Buffer.from(key).toString('utf8');
    throw invalidKey(index, describeReceived(text), error);
  }
}

function invalidKey(index: number, received: string, cause?: unknown): SiphookError {
  return new SiphookError(
    'OPTIONS_INVALID',
    `signature.publicKeys[${index}]: expected an RSA public key (PEM text, certificate or KeyObject); received ${received}`,
    { path: `signature.publicKeys[${index}]` },
    { cause },
  );
}

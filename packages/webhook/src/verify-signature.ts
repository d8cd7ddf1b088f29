import { describeReceived, SiphookError } from '@siphook/schema';
import { importRsaVerify, type RsaVerify } from '#runtime';
import {
  decodeBase64,
  KeyUnreadable,
  type PublicKeyInput,
  readRsaPublicKey,
} from './read-rsa-public-key.js';

/** Checks one body against its `X-Sipgate-Signature` value; resolves false, never rejects for bad input. */
export type SignatureVerifier = (body: Uint8Array, signature: string) => Promise<boolean>;

/** Longer than any RSA-8192 signature in base64: anything longer is refused unread. */
const MAX_SIGNATURE_CHARS = 4096;

/**
 * Builds a verifier for `X-Sipgate-Signature`: base64 of an RSA PKCS#1 v1.5 signature with SHA-256
 * over the raw body bytes. The keys are read once here; a body passes if any key verifies it (key
 * rotation, simulator test keys). A key whose modulus length differs from the signature's is
 * skipped without asking the crypto library, which would only say no later.
 *
 * @throws {SiphookError} `OPTIONS_INVALID` when no key is given or one cannot be read.
 * @example
 * const verifySignature = createSignatureVerifier([sipgatePublicKey()]);
 * await verifySignature(body, request.headers.get('x-sipgate-signature') ?? '') // true or false
 */
export function createSignatureVerifier(keys: readonly PublicKeyInput[]): SignatureVerifier {
  if (keys.length === 0) {
    throw new SiphookError(
      'OPTIONS_INVALID',
      'signature.publicKeys: expected at least one public key (PEM or KeyObject); received an empty list',
      { path: 'signature.publicKeys' },
    );
  }
  const candidates: { bytes: number; verify: RsaVerify }[] = keys.map((input, index) => {
    const key = readKey(input, index);
    return { bytes: Math.ceil(key.bits / 8), verify: importRsaVerify(key) };
  });
  return async (body, signature) => {
    const trimmed = signature.trim();
    if (trimmed.length === 0 || trimmed.length > MAX_SIGNATURE_CHARS) return false;
    const bytes = decodeBase64(trimmed);
    if (bytes === undefined) return false;
    for (const candidate of candidates) {
      if (bytes.length === candidate.bytes && (await candidate.verify(body, bytes))) return true;
    }
    return false;
  };
}

function readKey(input: PublicKeyInput, index: number) {
  try {
    return readRsaPublicKey(input);
  } catch (error) {
    const text =
      error instanceof KeyUnreadable && error.message !== ''
        ? error.message
        : describeReceived(typeof input === 'string' ? input : String(input));
    throw new SiphookError(
      'OPTIONS_INVALID',
      `signature.publicKeys[${index}]: expected an RSA public key (PEM text, certificate or KeyObject); received ${text}`,
      { path: `signature.publicKeys[${index}]` },
      { cause: error },
    );
  }
}

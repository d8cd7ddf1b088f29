import { createPublicKey, verify } from 'node:crypto';
import type { RsaPublicKey } from './read-rsa-public-key.js';
import type { RsaVerify } from './verify-rsa-web.js';

/**
 * The signature primitive on Node: `node:crypto`'s one-shot `verify`. On Node 20 it costs about
 * half the CPU of `crypto.subtle.verify` for sipgate.io's RSA-4096 key (bench/signature.bench.mjs),
 * which hops to the thread pool and back for each call. Picked by the package's `#verify-rsa`
 * import condition, so the core has one code path and no `node:` import.
 */
export function importRsaVerify(key: RsaPublicKey): RsaVerify {
  const publicKey = createPublicKey({ key: { kty: 'RSA', n: key.n, e: key.e }, format: 'jwk' });
  return async (data, signature) => verify('sha256', data, publicKey, signature);
}

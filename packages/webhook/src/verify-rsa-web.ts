import type { RsaPublicKey } from './read-rsa-public-key.js';

/** Checks one RSA PKCS#1 v1.5 SHA-256 signature over `data` with one key. */
export type RsaVerify = (data: Uint8Array, signature: Uint8Array) => Promise<boolean>;

const ALGORITHM = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const;

/**
 * The signature primitive on runtimes other than Node (Deno, Bun, workerd, browsers):
 * `crypto.subtle`. Node resolves `#verify-rsa` to verify-rsa-node.ts instead, which measured
 * faster there (bench/signature.bench.mjs); both take the same keys and pass the same tests.
 */
export function importRsaVerify(key: RsaPublicKey): RsaVerify {
  const imported = crypto.subtle.importKey(
    'jwk',
    { kty: 'RSA', n: key.n, e: key.e, alg: 'RS256', ext: true },
    ALGORITHM,
    false,
    ['verify'],
  );
  // A key the walk accepted but the runtime refuses shows up on first use, as a rejection there.
  imported.catch(() => {});
  return async (data, signature) =>
    crypto.subtle.verify(ALGORITHM, await imported, signature, data);
}

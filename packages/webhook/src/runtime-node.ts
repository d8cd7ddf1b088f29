import { createNodeResponse } from './node-response.js';
import type { RsaPublicKey } from './read-rsa-public-key.js';
import type { CreateResponse, RsaVerify } from './runtime-web.js';

/**
 * The `#runtime` primitives on Node (see runtime-web.ts), each measured faster here
 * (bench/signature.bench.mjs, bench/server.bench.mjs):
 *
 * - `node:crypto`'s one-shot `verify` costs about half the CPU of `crypto.subtle.verify` for
 *   sipgate.io's RSA-4096 key, which hops to the thread pool and back for each call;
 * - a `Response` whose text is kept as it is: undici's builds a web stream for every body, which
 *   with reading it back cost about as much CPU as node:http spends on the whole request.
 */
export function importRsaVerify(key: RsaPublicKey): RsaVerify {
  // node:crypto is loaded when a key is imported (the handler is made), not when the package is.
  const imported = import('node:crypto').then(({ createPublicKey, verify }) => ({
    verify,
    publicKey: createPublicKey({ key: { kty: 'RSA', n: key.n, e: key.e }, format: 'jwk' }),
  }));
  imported.catch(() => {});
  let ready: Awaited<typeof imported> | undefined;
  return async (data, signature) => {
    ready ??= await imported;
    return ready.verify('sha256', data, ready.publicKey, signature);
  };
}

export const createResponse: CreateResponse = createNodeResponse;

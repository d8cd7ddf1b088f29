import type { RsaPublicKey } from './read-rsa-public-key.js';

/**
 * The two primitives whose fastest form differs by runtime, behind the package's `#runtime`
 * import condition: this file on Deno, Bun, workerd and browsers; runtime-node.ts on Node. The
 * core calls them the same way everywhere, and the same tests run over both.
 */

/** Checks one RSA PKCS#1 v1.5 SHA-256 signature over `data` with one key. */
export type RsaVerify = (data: Uint8Array, signature: Uint8Array) => Promise<boolean>;

/** Makes a `Response` with a text body. */
export type CreateResponse = (
  body: string,
  status: number,
  headers: Readonly<Record<string, string>>,
) => Response;

const ALGORITHM = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const;

/** Imports a key for `crypto.subtle.verify`. */
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

/** The runtime's own `Response`. */
export const createResponse: CreateResponse = (body, status, headers) =>
  new Response(body, { status, headers });

import { readFileSync } from 'node:fs';

/** Where the bundled key lives: `assets/` beside `dist/` (and beside `src/` in a checkout). */
const KEY_URL = new URL('../assets/sipgate-push-public-key.pem', import.meta.url);

let cached: string | undefined;

/**
 * sipgate.io's public key for `X-Sipgate-Signature` (PEM, RSA 4096), as bundled with this package.
 * It is the default of `signature.publicKeys`; list it yourself to add keys beside it.
 *
 * @example
 * createWebhookHandler({ signature: { publicKeys: [sipgatePublicKey(), simulatorKeyPem] } })
 */
export function sipgatePublicKey(): string {
  cached ??= readFileSync(KEY_URL, 'utf8');
  return cached;
}

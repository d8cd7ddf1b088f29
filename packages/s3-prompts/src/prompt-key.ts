import { createHash } from 'node:crypto';

/** Hex digits of SHA-256 kept in a key: 64 bits, plenty to tell the versions of one prompt apart. */
const HASH_DIGITS = 16;

/**
 * The object key of a prompt: its name with the content hash before `.wav`, under the prefix.
 * Changed audio gets a new key, so an old URL never serves new bytes and every key can be cached
 * forever (`immutable`); unchanged audio keeps its key, so publishing again uploads nothing.
 *
 * @example promptKey('hotline', 'menu/welcome.wav', bytes) // 'hotline/menu/welcome.3f2a9c1d0b4e5f67.wav'
 */
export function promptKey(prefix: string, name: string, bytes: Uint8Array): string {
  const hash = createHash('sha256').update(bytes).digest('hex').slice(0, HASH_DIGITS);
  const stem = name.replace(/\.wave?$/i, '');
  return `${prefix === '' ? '' : `${prefix}/`}${stem}.${hash}.wav`;
}

/** A key as a URL path: each segment percent-encoded, the slashes kept. */
export function keyPath(key: string): string {
  return key.split('/').map(encodeURIComponent).join('/');
}

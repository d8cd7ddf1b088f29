import { readFileSync } from 'node:fs';

const CAPTURE = new URL(
  '../../packages/webhook/test/fixtures/signed-newcall-request.http',
  import.meta.url,
);

/**
 * The captured live newCall push, signed by sipgate.io's own RSA-4096 key: its headers (names in
 * lower case) and the exact body bytes.
 */
export function readCapture() {
  const raw = readFileSync(CAPTURE);
  const split = raw.indexOf('\n\n');
  const headers = {};
  for (const line of raw.subarray(0, split).toString('latin1').split('\n').slice(1)) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { headers, body: raw.subarray(split + 2) };
}

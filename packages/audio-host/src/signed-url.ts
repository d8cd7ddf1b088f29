import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signs a prompt name (as it appears in the URL path below the mount, decoded) until `expires`
 * (unix seconds). The MAC covers `name` and `exp` joined by a newline, so neither can be swapped.
 *
 * @returns the query string `exp=<seconds>&sig=<base64url HMAC-SHA256>`
 */
export function signName(secret: string, name: string, expires: number): string {
  return `exp=${expires}&sig=${mac(secret, name, expires).toString('base64url')}`;
}

/** Why a signed request was refused, or `ok`. */
export type SignatureVerdict = 'ok' | 'missing' | 'malformed' | 'expired' | 'invalid';

/**
 * Checks the `exp` and `sig` query parameters of a request for `name` in constant time.
 * Exactly one `exp` and one `sig` must be present; `exp` is compared to `nowSeconds`.
 */
export function verifySignedQuery(
  secret: string,
  name: string,
  query: string,
  nowSeconds: number,
): SignatureVerdict {
  let exp: string | undefined;
  let sig: string | undefined;
  for (const pair of query.split('&')) {
    if (pair.startsWith('exp=')) {
      if (exp !== undefined) return 'malformed';
      exp = pair.slice(4);
    } else if (pair.startsWith('sig=')) {
      if (sig !== undefined) return 'malformed';
      sig = pair.slice(4);
    }
  }
  if (exp === undefined || sig === undefined) return 'missing';
  if (!/^\d{1,12}$/.test(exp) || !/^[A-Za-z0-9_-]{43}$/.test(sig)) return 'malformed';
  const expires = Number(exp);
  // Compare the text, not the decoded bytes: the last of 43 base64url characters carries two
  // padding bits, so four different spellings decode to the same MAC and would all pass.
  const given = Buffer.from(sig, 'latin1');
  const expected = Buffer.from(mac(secret, name, expires).toString('base64url'), 'latin1');
  // Compare before looking at the expiry so that both refusals cost the same.
  if (!timingSafeEqual(given, expected)) return 'invalid';
  return expires < nowSeconds ? 'expired' : 'ok';
}

function mac(secret: string, name: string, expires: number): Buffer {
  return createHmac('sha256', secret).update(`${name}\n${expires}`, 'utf8').digest();
}

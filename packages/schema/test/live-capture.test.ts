// The one captured live request (NOTES.md): its body must decode, and it must still be the body
// sipgate.io signed, or decoding it would prove nothing about live traffic.
import { createVerify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeEvent, encodeEvent } from '../src/index.js';

const capture = readFileSync(new URL('./fixtures/signed-newcall-request.http', import.meta.url));
const publicKey = readFileSync(
  new URL('./fixtures/sipgate-push-public-key.pem', import.meta.url),
  'utf8',
);

/** Splits a raw HTTP request at the first blank line into header map and exact body bytes. */
function parseHttpRequest(raw: Buffer): { headers: Map<string, string>; body: Buffer } {
  const crlf = raw.indexOf('\r\n\r\n');
  const lf = raw.indexOf('\n\n');
  const [end, gap] = crlf !== -1 && (lf === -1 || crlf < lf) ? [crlf, 4] : [lf, 2];
  if (end === -1) throw new Error('no blank line between headers and body');
  const lines = raw.subarray(0, end).toString('latin1').split(/\r?\n/).slice(1);
  const headers = new Map<string, string>();
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return { headers, body: raw.subarray(end + gap) };
}

const { headers, body } = parseHttpRequest(capture);
const callId = '54566B150B0C0D3A5D534D5F565D7C5F54535A5C5B53525A7E5B5D5745504457444C425D5057';
const expected = {
  event: 'newCall',
  direction: 'in',
  from: '491776249000',
  to: '4928559389086',
  callId,
  origCallId: callId,
  user: [],
  userId: [],
  fullUserId: [],
  xcid: '8419b3450b75cd19',
  extra: {},
};

describe('the live newCall capture', () => {
  it('is intact: Content-Length matches and the signature verifies against sipgate’s key', () => {
    expect(body.length).toBe(Number(headers.get('content-length')));
    expect(headers.get('content-type')).toBe('application/x-www-form-urlencoded; charset=UTF-8');
    const signature = headers.get('x-sipgate-signature') ?? '';
    const verify = (bytes: Buffer) =>
      createVerify('RSA-SHA256').update(bytes).verify(publicKey, signature, 'base64');
    expect(verify(body)).toBe(true);
    // The check can fail: one changed byte breaks it.
    const tampered = Buffer.from(body);
    tampered.writeUInt8(tampered.readUInt8(0) ^ 1, 0);
    expect(verify(tampered)).toBe(false);
  });

  it('decodes, as bytes and as text, to the expected newCall (user%5B%5D= is no user)', () => {
    expect(decodeEvent(body)).toEqual(expected);
    expect(decodeEvent(body.toString('utf8'))).toEqual(expected);
  });

  it('uses the wire form encodeEvent emits: brackets as %5B%5D, empty user list as one empty entry', () => {
    expect(body.toString('utf8')).toContain('&user%5B%5D=&');
    expect(encodeEvent(decodeEvent(body))).toContain('user%5B%5D=&');
    expect(decodeEvent(encodeEvent(decodeEvent(body)))).toEqual(expected);
  });
});

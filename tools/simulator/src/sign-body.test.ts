import { createPublicKey, verify } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { isSiphookError } from '@siphook/schema';
import { describe, expect, it } from 'vitest';
import { generateTestKeyPair, loadPrivateKey, signBody } from './sign-body.js';

const keyPair = generateTestKeyPair();

describe('signBody', () => {
  it('signs the exact body bytes with RSA PKCS#1 v1.5 SHA-256, base64', () => {
    const body =
      'event=newCall&callId=1&direction=in&from=492111234567&to=4915791234567&user%5B%5D=Alice';
    const signature = signBody(body, keyPair.privateKey);
    expect(signature).toMatch(/^[A-Za-z0-9+/]+={0,2}$/);
    const publicKey = createPublicKey(keyPair.publicKey);
    expect(verify('sha256', Buffer.from(body), publicKey, Buffer.from(signature, 'base64'))).toBe(
      true,
    );
    // One byte changed must not verify.
    const tampered = Buffer.from(body.replace('Alice', 'Alicf'));
    expect(verify('sha256', tampered, publicKey, Buffer.from(signature, 'base64'))).toBe(false);
  });

  it('signs bytes and strings alike, and is deterministic (PKCS#1 v1.5 has no salt)', () => {
    const text = 'event=dtmf&dtmf=%C3%A4&callId=1';
    expect(signBody(Buffer.from(text), keyPair.privateKey)).toBe(
      signBody(text, keyPair.privateKey),
    );
  });

  it('uses the same scheme as the captured live request signed by sipgate.io', async () => {
    // The live capture verifies against sipgate.io's public key with exactly this algorithm: the
    // check here proves verify() with these parameters accepts a real signature.
    const request = await readFile(
      new URL(
        '../../../packages/schema/test/fixtures/signed-newcall-request.http',
        import.meta.url,
      ),
      'utf8',
    );
    const pem = await readFile(
      new URL(
        '../../../packages/schema/test/fixtures/sipgate-push-public-key.pem',
        import.meta.url,
      ),
      'utf8',
    );
    const split = request.search(/\r?\n\r?\n/);
    const head = request.slice(0, split);
    const body = request
      .slice(split)
      .replace(/^\r?\n\r?\n/, '')
      .replace(/\r?\n$/, '');
    const signature = /^x-sipgate-signature:\s*(\S+)/im.exec(head)?.[1];
    expect(signature).toBeDefined();
    expect(
      verify(
        'sha256',
        Buffer.from(body),
        createPublicKey(pem),
        Buffer.from(signature ?? '', 'base64'),
      ),
    ).toBe(true);
  });

  it('refuses a key that is not a PEM RSA private key, naming what it received', () => {
    expect(() => signBody('x', 'not a key')).toThrow(
      /expected a PEM RSA private key .*; received "not a key"/,
    );
    let error: unknown;
    try {
      loadPrivateKey(keyPair.publicKey);
    } catch (caught) {
      error = caught;
    }
    expect(isSiphookError(error, 'SIGN_KEY_INVALID')).toBe(true);
    expect(() => loadPrivateKey(createPublicKey(keyPair.publicKey))).toThrow(
      /expected an RSA private key/,
    );
  });
});

import { spawnSync } from 'node:child_process';
import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRsaPublicKey } from '../src/read-rsa-public-key.js';
import * as nodeRuntime from '../src/runtime-node.js';
import * as webRuntime from '../src/runtime-web.js';
import { readCapture } from './helpers.js';

const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const body = new TextEncoder().encode('event=dtmf&dtmf=1&callId=123456');
const signature = new Uint8Array(sign('sha256', body, keys.privateKey));
const expected = keys.publicKey.export({ format: 'jwk' });

/** A self-signed certificate for the key, made by openssl; undefined where openssl is missing. */
function certificateOf(): string | undefined {
  const folder = mkdtempSync(join(tmpdir(), 'siphook-cert-'));
  try {
    const keyFile = join(folder, 'key.pem');
    const certFile = join(folder, 'cert.pem');
    writeFileSync(keyFile, keys.privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const result = spawnSync('openssl', [
      'req',
      '-x509',
      '-key',
      keyFile,
      '-out',
      certFile,
      '-subj',
      '/CN=siphook',
      '-days',
      '1',
    ]);
    return result.status === 0 ? readFileSync(certFile, 'utf8') : undefined;
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

const certificate = certificateOf();
if (certificate === undefined) {
  console.warn('openssl is missing (Debian package openssl): the certificate case is skipped');
}

const inputs: [string, Parameters<typeof readRsaPublicKey>[0]][] = [
  ['SPKI PEM', keys.publicKey.export({ type: 'spki', format: 'pem' }).toString()],
  ['PKCS#1 PEM', keys.publicKey.export({ type: 'pkcs1', format: 'pem' }).toString()],
  ['PKCS#8 private PEM', keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()],
  ['PKCS#1 private PEM', keys.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString()],
  [
    'PEM as bytes',
    new TextEncoder().encode(keys.publicKey.export({ type: 'spki', format: 'pem' }).toString()),
  ],
  ['public KeyObject', keys.publicKey],
  ['private KeyObject', keys.privateKey],
  ...(certificate === undefined ? [] : [['certificate', certificate] as [string, string]]),
];

describe('readRsaPublicKey reads what node:crypto reads', () => {
  it.each(inputs)('%s', (_name, input) => {
    const key = readRsaPublicKey(input);
    expect({ n: key.n, e: key.e, bits: key.bits }).toEqual({
      n: expected.n,
      e: expected.e,
      bits: 2048,
    });
  });

  it('reads sipgate.io key as 4096 bits', () => {
    const pem = readFileSync(
      new URL('./fixtures/sipgate-push-public-key.pem', import.meta.url),
      'utf8',
    );
    expect(readRsaPublicKey(pem).bits).toBe(4096);
  });

  it.each([
    [
      'an EC key',
      generateKeyPairSync('ec', { namedCurve: 'P-256' })
        .publicKey.export({ type: 'spki', format: 'pem' })
        .toString(),
      /a ec key/,
    ],
    [
      'an Ed25519 key',
      generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      /a ed25519 key/,
    ],
    ['text without PEM', 'not a key', /^$/],
    [
      'a cut PEM block',
      '-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA\n-----END PUBLIC KEY-----',
      /malformed PUBLIC KEY/,
    ],
    [
      'an encrypted key',
      '-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----',
      /ENCRYPTED PRIVATE KEY block/,
    ],
  ])('refuses %s, saying what it is', (_name, input, message) => {
    expect(() => readRsaPublicKey(input)).toThrow(message);
  });
});

describe.each([
  ['runtime-node (node:crypto)', nodeRuntime],
  ['runtime-web (crypto.subtle)', webRuntime],
])('%s', (_name, runtime) => {
  it('verifies a signature of the body, and refuses a changed body or signature', async () => {
    const verify = runtime.importRsaVerify(readRsaPublicKey(keys.publicKey));
    expect(await verify(body, signature)).toBe(true);
    const changed = body.slice();
    changed[3] = changed[3]! ^ 1;
    expect(await verify(changed, signature)).toBe(false);
    const flipped = signature.slice();
    flipped[10] = flipped[10]! ^ 1;
    expect(await verify(body, flipped)).toBe(false);
  });

  it('verifies the live capture with sipgate.io key', async () => {
    const capture = readCapture('signed-newcall-request.http');
    const pem = readFileSync(
      new URL('./fixtures/sipgate-push-public-key.pem', import.meta.url),
      'utf8',
    );
    const verify = runtime.importRsaVerify(readRsaPublicKey(pem));
    const bytes = Uint8Array.from(atob(capture.headers['x-sipgate-signature']!), (c) =>
      c.charCodeAt(0),
    );
    expect(await verify(new Uint8Array(capture.body), bytes)).toBe(true);
  });

  it('makes a Response with the status, headers and text given', async () => {
    const response = runtime.createResponse('<Response/>', 200, {
      'content-type': 'application/xml',
    });
    expect(response).toBeInstanceOf(Response);
    expect([response.status, response.headers.get('content-type')]).toEqual([
      200,
      'application/xml',
    ]);
    expect(await response.text()).toBe('<Response/>');
  });
});

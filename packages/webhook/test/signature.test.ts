import { generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createSignatureVerifier,
  createWebhookHandler,
  sipgatePublicKey,
  toNodeListener,
} from '../src/index.js';
import { captureLogger, createTestKeys, listen, readCapture, signBody } from './helpers.js';

const capture = readCapture('signed-newcall-request.http');
const { logger } = captureLogger('silent');

function send(url: string, body: Uint8Array, signature: string | undefined): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': capture.headers['content-type']! };
  if (signature !== undefined) headers['x-sipgate-signature'] = signature;
  return fetch(`${url}${capture.path}`, { method: 'POST', headers, body });
}

describe('X-Sipgate-Signature with the bundled sipgate key (default)', () => {
  let server: Awaited<ReturnType<typeof listen>>;
  beforeAll(async () => {
    const handler = createWebhookHandler({
      logger,
      onNewCall: (event) => ({ actions: [{ action: 'Dial', target: { numbers: [event.to] } }] }),
    });
    server = await listen(toNodeListener(handler));
  });
  afterAll(() => server.close());

  it('verifies the real signed capture and answers XML', async () => {
    const response = await send(server.url, capture.body, capture.headers['x-sipgate-signature']);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/xml; charset=utf-8');
    expect(await response.text()).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Response><Dial><Number>4928559389086</Number></Dial></Response>',
    );
  });

  it.each([0, 1, 100, 200, capture.body.length - 1])(
    'refuses the capture with byte %i changed (401)',
    async (position) => {
      const body = Buffer.from(capture.body);
      body[position] = body[position]! ^ 0x01;
      const response = await send(server.url, body, capture.headers['x-sipgate-signature']);
      expect(response.status).toBe(401);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
        'SIGNATURE_INVALID',
      );
    },
  );

  it('refuses any one-byte change at a random position (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: capture.body.length - 1 }),
        fc.integer({ min: 1, max: 255 }),
        async (position, flip) => {
          const body = Buffer.from(capture.body);
          body[position] = body[position]! ^ flip;
          const response = await send(server.url, body, capture.headers['x-sipgate-signature']);
          await response.arrayBuffer();
          return response.status === 401;
        },
      ),
      { numRuns: 60 },
    );
  });

  it.each([
    ['missing', undefined, 'SIGNATURE_MISSING'],
    ['empty', '', 'SIGNATURE_MISSING'],
    ['not base64', '!!!not*base64!!!', 'SIGNATURE_INVALID'],
    ['too short', 'AAAA', 'SIGNATURE_INVALID'],
    ['very long', 'A'.repeat(8000), 'SIGNATURE_INVALID'],
  ])('refuses a %s signature with 401 and keeps serving', async (_name, signature, code) => {
    const response = await send(server.url, capture.body, signature);
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe(code);
    const next = await send(server.url, capture.body, capture.headers['x-sipgate-signature']);
    expect(next.status).toBe(200);
    await next.arrayBuffer();
  });
});

describe('createSignatureVerifier with keys of several sizes', () => {
  const small = createTestKeys(); // 2048 bits
  const large = generateKeyPairSync('rsa', {
    modulusLength: 3072,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  const body = Buffer.from('event=dtmf&dtmf=1&callId=123456');
  const orders = [
    ['sipgate, 2048, 3072', [sipgatePublicKey(), small.publicKey, large.publicKey]],
    ['3072, 2048, sipgate', [large.publicKey, small.publicKey, sipgatePublicKey()]],
  ] as const;

  it.each(orders)('accepts a signature by any listed key (%s)', async (_order, keys) => {
    const verify = createSignatureVerifier(keys);
    expect(await verify(body, signBody(body, small.privateKey))).toBe(true);
    expect(await verify(body, signBody(body, large.privateKey))).toBe(true);
    expect(await verify(capture.body, capture.headers['x-sipgate-signature']!)).toBe(true);
  });

  it.each(orders)(
    'refuses signatures of the wrong length or content (%s)',
    async (_order, keys) => {
      const verify = createSignatureVerifier(keys);
      const signature = Buffer.from(signBody(body, small.privateKey), 'base64');
      const padded = Buffer.concat([Buffer.alloc(1), signature]).toString('base64');
      const cut = signature.subarray(1).toString('base64');
      const flipped = Buffer.from(signature);
      flipped[10] = flipped[10]! ^ 0x01;
      expect(await verify(body, padded)).toBe(false);
      expect(await verify(body, cut)).toBe(false);
      expect(await verify(body, flipped.toString('base64'))).toBe(false);
      expect(
        await verify(Buffer.from('event=dtmf&dtmf=2&callId=123456'), signature.toString('base64')),
      ).toBe(false);
      // A 2048-bit signature is never checked against the 3072-bit key, and the reverse.
      const largeSignature = Buffer.from(signBody(body, large.privateKey), 'base64');
      expect(await verify(body, largeSignature.subarray(0, 256).toString('base64'))).toBe(false);
    },
  );
});

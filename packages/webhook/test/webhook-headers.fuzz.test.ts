import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebhookHandler, toNodeListener } from '../src/index.js';
import { captureLogger, createTestKeys, listen, signBody } from './helpers.js';

// Fuzz target: request headers (content type, auth, signature, forwarding). Fixed seed;
// `npm run fuzz` raises the count with SIPHOOK_FUZZ_RUNS.
const numRuns = Number(process.env.SIPHOOK_FUZZ_RUNS ?? 200);
const seed = 20_261_204;
const BODY = 'event=newCall&direction=in&from=492111234567&to=4915791234567&callId=fuzz';
const keys = createTestKeys();
const GOOD_AUTH = `Basic ${btoa('sipgate:s3cret')}`;
const GOOD_SIGNATURE = signBody(BODY, keys.privateKey);

/** A header value HTTP can carry: visible ASCII and spaces, no leading or trailing space. */
const headerText = fc
  .string({
    unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)),
    maxLength: 60,
  })
  .map((text) => text.trim());
const headers = fc.record(
  {
    'content-type': fc.oneof(
      fc.constantFrom(
        'application/x-www-form-urlencoded',
        'APPLICATION/X-WWW-FORM-URLENCODED; charset=UTF-8',
        'application/x-www-form-urlencoded;',
        'application/json',
        'text/plain',
        'multipart/form-data; boundary=x',
      ),
      headerText,
    ),
    authorization: fc.oneof(
      fc.constantFrom(
        GOOD_AUTH,
        `${GOOD_AUTH}!!`,
        `${GOOD_AUTH}=`,
        `basic ${btoa('sipgate:s3cret')}`,
        'Basic',
        'Bearer x',
      ),
      headerText.map((text) => `Basic ${text}`),
      headerText,
    ),
    'x-sipgate-signature': fc.oneof(
      fc.constant(GOOD_SIGNATURE),
      fc.constant(`${GOOD_SIGNATURE.slice(0, -4)}AAAA`),
      fc.base64String({ maxLength: 700 }),
      headerText,
    ),
    'x-forwarded-for': fc.oneof(
      fc.ipV4(),
      fc.ipV6(),
      headerText,
      fc.constant('127.0.0.1, 10.0.0.1'),
    ),
    'x-forwarded-host': headerText,
    'x-forwarded-proto': fc.oneof(fc.constantFrom('http', 'https', 'HTTPS', 'ftp'), headerText),
  },
  { requiredKeys: [] },
);

/** What any set of headers may get: an answer or a refusal, never a server error. */
const STATUSES = new Set([200, 400, 401, 403, 415]);

describe('fuzz: push headers', () => {
  let server: Awaited<ReturnType<typeof listen>>;
  beforeAll(async () => {
    const { logger } = captureLogger('silent');
    const handler = createWebhookHandler({
      logger,
      trustHostHeader: true,
      signature: { publicKeys: [keys.publicKey] },
      basicAuth: { username: 'sipgate', password: 's3cret' },
      allowList: { addresses: ['127.0.0.1', '::1'], trustedProxies: ['127.0.0.1'] },
      onNewCall: () => ({ actions: [{ action: 'Gather', maxDigits: 1 }] }),
      onHangup: () => {},
    });
    server = await listen(toNodeListener(handler));
  });
  afterAll(() => server.close());

  it('answers every combination with one of the documented statuses, and keeps serving', async () => {
    await fc.assert(
      fc.asyncProperty(headers, async (sent) => {
        const response = await fetch(server.url, { method: 'POST', headers: sent, body: BODY });
        expect(STATUSES).toContain(response.status);
        const text = await response.text();
        // Without a usable Host the Gather cannot be wired: the fallback, still XML.
        if (response.status === 200) expect(text).toMatch(/^<\?xml .*<\/?Response/);
        else
          expect(JSON.parse(text)).toEqual({
            error: expect.objectContaining({ code: expect.any(String) }),
          });
      }),
      { numRuns, seed },
    );
    const healthy = await fetch(server.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: GOOD_AUTH,
        'x-sipgate-signature': GOOD_SIGNATURE,
      },
      body: BODY,
    });
    expect(healthy.status).toBe(200);
  });

  it('lets a push through only with the right Basic auth and a signature of this body', async () => {
    await fc.assert(
      fc.asyncProperty(headers, async (sent) => {
        const response = await fetch(server.url, { method: 'POST', headers: sent, body: BODY });
        await response.arrayBuffer();
        if (response.status === 200) {
          expect(sent.authorization?.replace(/^basic/i, 'Basic')).toBe(GOOD_AUTH);
          expect(sent['x-sipgate-signature']).toBe(GOOD_SIGNATURE);
        }
      }),
      { numRuns, seed: seed + 1 },
    );
  });
});

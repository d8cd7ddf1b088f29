import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebhookHandler, toNodeListener } from '../src/index.js';
import { captureLogger, listen } from './helpers.js';

// Fuzz target: push bodies. Fixed seed; `npm run fuzz` raises the count with SIPHOOK_FUZZ_RUNS.
const numRuns = Number(process.env.SIPHOOK_FUZZ_RUNS ?? 200);
const seed = 20_261_204;
const MAX_BODY = 4096;

const fieldName = fc.oneof(
  fc.constantFrom(
    'event',
    'callId',
    'from',
    'to',
    'direction',
    'user[]',
    'user%5B%5D',
    'user',
    'dtmf',
    'cause',
    'diversion',
    'answeringNumber',
    'userId[]',
    'fullUserId[]',
    'origCallId',
    'xcid',
    '__proto__',
    'constructor',
    'extra',
  ),
  fc.string({ maxLength: 12 }),
);
const fieldValue = fc.oneof(
  fc.constantFrom(
    'newCall',
    'answer',
    'hangup',
    'dtmf',
    'in',
    'out',
    'anonymous',
    '492111234567',
    '+49 211',
    'normalClearing',
    'forwarded',
    '',
    '%',
    '%zz',
    '%C3%A4',
    '%00',
    '+',
    '&',
    '=',
  ),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
);
const formBody = fc
  .array(fc.tuple(fieldName, fieldValue), { maxLength: 12 })
  .map((pairs) => pairs.map(([name, value]) => `${name}=${value}`).join('&'));
const anyBody = fc.oneof(
  formBody.map((text) => new TextEncoder().encode(text)),
  fc.uint8Array({ maxLength: 600 }),
  fc.uint8Array({ minLength: MAX_BODY - 4, maxLength: MAX_BODY + 4 }),
);

/** What any push body may get: an answer, a refusal of the body, never a server error. */
const STATUSES = new Set([200, 400, 413]);

describe('fuzz: push bodies', () => {
  const { logger } = captureLogger('silent');
  const handler = createWebhookHandler({
    signature: false,
    logger,
    maxBodyBytes: MAX_BODY,
    publicUrl: 'https://hooks.example.com/sipgate',
    onNewCall: (event) => ({
      actions: [{ action: 'Dial', target: { numbers: [event.to ?? '1'] } }],
    }),
    onDtmf: (event, call) => {
      call.state.digits = event.dtmf;
      return { actions: [{ action: 'Gather', maxDigits: 3 }] };
    },
    onHangup: () => {},
  });
  let server: Awaited<ReturnType<typeof listen>>;
  beforeAll(async () => {
    server = await listen(toNodeListener(handler));
  });
  afterAll(() => server.close());

  it('answers 200 with XML or 400/413 with the JSON error shape (fetch handler)', async () => {
    await fc.assert(
      fc.asyncProperty(anyBody, async (body) => {
        const response = await handler(
          new Request('https://hooks.example.com/sipgate', {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body,
          }),
        );
        expect(STATUSES).toContain(response.status);
        const text = await response.text();
        if (response.status === 200) expect(text).toMatch(/^<\?xml .*<\/?Response/);
        else {
          const error = (JSON.parse(text) as { error: { code: string; message: string } }).error;
          expect(error.code).toMatch(/^[A-Z_]+$/);
          expect(error.message.length).toBeGreaterThan(0);
        }
      }),
      { numRuns, seed },
    );
  });

  it('does the same over node:http, and keeps serving', async () => {
    await fc.assert(
      fc.asyncProperty(anyBody, async (body) => {
        const response = await fetch(server.url, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body,
        });
        expect(STATUSES).toContain(response.status);
        await response.arrayBuffer();
      }),
      { numRuns, seed },
    );
    const healthy = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'event=newCall&callId=ok&from=1&to=2&direction=in',
    });
    expect(healthy.status).toBe(200);
  });
});

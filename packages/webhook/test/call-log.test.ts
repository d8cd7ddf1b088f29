import { describe, expect, it } from 'vitest';
import { createWebhookHandler, type PushExchange } from '../src/index.js';
import { captureLogger, readCapture } from './helpers.js';

const capture = readCapture('signed-newcall-request.http');
const FORM = 'application/x-www-form-urlencoded';
const BASIC = `Basic ${Buffer.from('sipgate:s3cret').toString('base64')}`;

function post(body: string | Uint8Array, headers: Record<string, string> = {}, path = '/sipgate') {
  return new Request(`https://hooks.example.com${path}`, {
    method: 'POST',
    headers: { 'content-type': FORM, ...headers },
    body,
  });
}

describe('the callLog option', () => {
  const { logger } = captureLogger('silent');
  const recorded: PushExchange[] = [];
  const handler = createWebhookHandler({
    logger,
    basicAuth: { username: 'sipgate', password: 's3cret' },
    callLog: { record: (exchange) => recorded.push(exchange) },
    onNewCall: (_event, call) => {
      call.annotate({ route: 'welcome' });
      return { actions: [{ action: 'Hangup' }] };
    },
    onDtmf: (_event, call) => {
      call.annotate({ branch: 'default' });
    },
  });
  const signed = (extra: Record<string, string> = {}) => ({
    'content-type': capture.headers['content-type']!,
    'x-sipgate-signature': capture.headers['x-sipgate-signature']!,
    ...extra,
  });

  it('hands over each push with its answer, the verdicts and the notes of its handler', async () => {
    recorded.length = 0;
    const response = await handler(
      post(new Uint8Array(capture.body), signed({ authorization: BASIC }), '/sipgate?x=1'),
      { remoteAddress: '217.10.77.113' },
    );
    expect(response.status).toBe(200);
    const [exchange] = recorded;
    expect(exchange).toMatchObject({
      method: 'POST',
      path: '/sipgate?x=1',
      remoteAddress: '217.10.77.113',
      status: 200,
      contentType: 'application/xml; charset=utf-8',
      answer: await response.text(),
      signature: 'valid',
      basicAuth: 'valid',
      route: 'welcome',
    });
    expect(exchange?.event?.event).toBe('newCall');
    expect(Buffer.from(exchange!.body as Uint8Array).equals(capture.body)).toBe(true);
    expect(exchange!.durationMs).toBeGreaterThanOrEqual(0);
    expect(Math.abs(exchange!.receivedAt - Date.now())).toBeLessThan(5000);
  });

  it('records refusals with what was checked: a missing or wrong password, a missing or bad signature', async () => {
    recorded.length = 0;
    await handler(post(new Uint8Array(capture.body), signed()));
    await handler(post(new Uint8Array(capture.body), signed({ authorization: `${BASIC}x` })));
    await handler(post('event=dtmf&callId=1&dtmf=1', { authorization: BASIC }));
    await handler(
      post('event=dtmf&callId=1&dtmf=1', {
        authorization: BASIC,
        'x-sipgate-signature': capture.headers['x-sipgate-signature']!,
      }),
    );
    await handler(new Request('https://hooks.example.com/', { method: 'GET' }));
    expect(
      recorded.map(({ status, basicAuth, signature }) => ({ status, basicAuth, signature })),
    ).toEqual([
      { status: 401, basicAuth: 'missing', signature: 'unchecked' },
      { status: 401, basicAuth: 'invalid', signature: 'unchecked' },
      { status: 401, basicAuth: 'valid', signature: 'missing' },
      { status: 401, basicAuth: 'valid', signature: 'invalid' },
      { status: 405, basicAuth: 'unchecked', signature: 'unchecked' },
    ]);
    expect(recorded[0]?.contentType).toBe('application/json; charset=utf-8');
    expect(JSON.parse(recorded[0]!.answer)).toMatchObject({
      error: { code: 'BASIC_AUTH_INVALID' },
    });
    expect(recorded[4]?.body).toBe('');
  });

  it('keeps answering when the call log throws', async () => {
    const failing = createWebhookHandler({
      logger,
      signature: false,
      callLog: {
        record: () => {
          throw new Error('disk full');
        },
      },
      onDtmf: (_event, call) => {
        call.annotate({ branch: '1' });
        return { actions: [{ action: 'Hangup' }] };
      },
    });
    const response = await failing(post('event=dtmf&callId=1&dtmf=1'));
    expect(response.status).toBe(200);
  });

  it('lets handlers annotate without a call log', async () => {
    const plain = createWebhookHandler({
      logger,
      signature: false,
      onDtmf: (_event, call) => {
        call.annotate({ branch: '1' });
        return { actions: [{ action: 'Hangup' }] };
      },
    });
    expect((await plain(post('event=dtmf&callId=1&dtmf=1'))).status).toBe(200);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebhookHandler, toNodeListener, type WebhookHandler } from '../src/index.js';
import { CONTRACT_EXAMPLES, captureLogger, listen, postForm, readCapture } from './helpers.js';

const capture = readCapture('signed-newcall-request.http');
const FORM = 'application/x-www-form-urlencoded';

function post(
  body: string | Uint8Array | ReadableStream<Uint8Array> | null,
  headers: Record<string, string> = {},
): Request {
  return new Request('https://hooks.example.com/sipgate', {
    method: 'POST',
    headers: { 'content-type': FORM, ...headers },
    body,
    duplex: 'half',
  } as RequestInit);
}

describe('the fetch-style handler (Request in, Response out)', () => {
  const { logger } = captureLogger('silent');
  const handler = createWebhookHandler({
    logger,
    maxBodyBytes: 1024,
    onNewCall: () => ({ actions: [{ action: 'Reject' }] }),
  });

  it('verifies the real signed capture', async () => {
    const response = await handler(
      post(new Uint8Array(capture.body), {
        'content-type': capture.headers['content-type']!,
        'x-sipgate-signature': capture.headers['x-sipgate-signature']!,
      }),
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/xml; charset=utf-8');
    expect(await response.text()).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Response><Reject reason="rejected"/></Response>',
    );
  });

  it('answers 405, 415, 401 and 413 like the node adapter', async () => {
    const get = await handler(new Request('https://hooks.example.com/'));
    expect([get.status, get.headers.get('allow')]).toEqual([405, 'POST']);
    const json = await handler(post('{}', { 'content-type': 'application/json' }));
    expect(json.status).toBe(415);
    const unsigned = await handler(post(CONTRACT_EXAMPLES.newCall));
    expect(unsigned.status).toBe(401);
    const declared = await handler(post('a'.repeat(2000)));
    expect(declared.status).toBe(413);
  });

  it('stops reading a streamed body at the limit (413) and cancels the stream', async () => {
    let pulled = 0;
    let cancelled = false;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(new Uint8Array(512));
      },
      cancel() {
        cancelled = true;
      },
    });
    const response = await handler(post(stream));
    expect(response.status).toBe(413);
    expect(cancelled).toBe(true);
    expect(pulled).toBeLessThan(10);
  });

  it('answers 400 for a body stream that fails midway', async () => {
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('event=newCall&'));
        controller.error(new Error('connection reset'));
      },
    });
    const response = await handler(post(stream));
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
      'BODY_INCOMPLETE',
    );
  });
});

describe('toNodeListener around a fetch handler it did not make', () => {
  let server: Awaited<ReturnType<typeof listen>>;
  const seen: string[] = [];
  beforeAll(async () => {
    const { logger } = captureLogger('silent');
    const inner = createWebhookHandler({
      logger,
      signature: false,
      maxBodyBytes: 4096,
      allowList: { addresses: ['127.0.0.1'] },
      onDtmf: (event) => ({
        actions: [{ action: 'Play', url: `https://example.com/${event.dtmf}.wav` }],
      }),
    });
    // A wrapper (say, a middleware) hides the pipeline: the adapter goes through Request/Response.
    const wrapped: WebhookHandler = async (request, info) => {
      seen.push(`${request.method} ${new URL(request.url).pathname}`);
      return inner(request, info);
    };
    server = await listen(toNodeListener(wrapped));
  });
  afterAll(() => server.close());

  it('passes method, path, headers, body and remote address through', async () => {
    const response = await postForm(`${server.url}/x/dtmf`, CONTRACT_EXAMPLES.dtmf);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<Url>https://example.com/1.wav</Url>');
    expect(seen).toContain('POST /x/dtmf');
  });

  it("bounds the body by the handler's own limit (one limit, not the adapter's)", async () => {
    const response = await postForm(server.url, 'a'.repeat(10_000));
    expect(response.status).toBe(413);
    await response.arrayBuffer();
    const next = await postForm(server.url, CONTRACT_EXAMPLES.dtmf);
    expect(next.status).toBe(200);
    await next.arrayBuffer();
  });
});

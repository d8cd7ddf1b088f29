import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebhookHandler, toNodeListener } from '../src/index.js';
import {
  CONTRACT_EXAMPLES,
  captureLogger,
  createTestKeys,
  eventually,
  listen,
  postForm,
  signBody,
} from './helpers.js';

const EMPTY_XML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

type Server = Awaited<ReturnType<typeof listen>>;

async function errorCode(response: Response): Promise<string> {
  return ((await response.json()) as { error: { code: string } }).error.code;
}

/** Sends raw bytes over a socket and resolves with everything the server wrote back. */
function rawExchange(url: string, payload: string, closeAfterWrite: boolean): Promise<string> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => {
      socket.write(payload);
      if (closeAfterWrite) socket.end();
    });
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      received += chunk;
    });
    socket.on('end', () => resolve(received));
    socket.on('close', () => resolve(received));
    socket.on('error', reject);
  });
}

describe('request steps over node:http (signatures off)', () => {
  let server: Server;
  const { logger, lines } = captureLogger('info');
  beforeAll(async () => {
    const handler = createWebhookHandler({
      signature: false,
      logger,
      onNewCall: () => ({ actions: [{ action: 'Play', url: 'https://example.com/welcome.wav' }] }),
    });
    server = await listen(toNodeListener(handler));
  });
  afterAll(() => server.close());

  async function expectStillServing(): Promise<void> {
    const response = await postForm(server.url, CONTRACT_EXAMPLES.newCall);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<Url>https://example.com/welcome.wav</Url>');
  }

  it.each(Object.entries(CONTRACT_EXAMPLES))(
    'accepts the contract curl example for %s',
    async (name, body) => {
      const response = await postForm(server.url, body);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/xml; charset=utf-8');
      const xml = await response.text();
      if (name === 'newCall') expect(xml).toContain('<Play>');
      else expect(xml).toBe(EMPTY_XML);
    },
  );

  it('answers a JSON body with 415', async () => {
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ event: 'newCall', callId: '1' }),
    });
    expect(response.status).toBe(415);
    expect(await errorCode(response)).toBe('CONTENT_TYPE_UNSUPPORTED');
    await expectStillServing();
  });

  it('answers a body without a content type with 415', async () => {
    const response = await fetch(server.url, { method: 'POST', body: new Uint8Array([1, 2, 3]) });
    expect(response.status).toBe(415);
    await expectStillServing();
  });

  it('answers a 1 MB body with 413 (declared by Content-Length)', async () => {
    const response = await postForm(server.url, 'a'.repeat(1024 * 1024));
    expect(response.status).toBe(413);
    expect(await errorCode(response)).toBe('BODY_TOO_LARGE');
    await expectStillServing();
  });

  it('answers 413 at once to a huge declared body and closes that connection', async () => {
    const reply = await rawExchange(
      server.url,
      'POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 104857600\r\n\r\nevent=newCall',
      false,
    );
    expect(reply).toMatch(/^HTTP\/1\.1 413 /);
    expect(reply.toLowerCase()).toContain('connection: close');
    await expectStillServing();
  });

  it('answers a 1 MB chunked body (no Content-Length) with 413 once over the limit', async () => {
    const chunk = new TextEncoder().encode('a'.repeat(16 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 64) controller.close();
        else {
          sent++;
          controller.enqueue(chunk);
        }
      },
    });
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(413);
    await response.arrayBuffer();
    await expectStillServing();
  });

  it('accepts a body of exactly the limit, and refuses one byte more', async () => {
    const { logger: quiet } = captureLogger('silent');
    const limit = 200;
    const small = await listen(
      toNodeListener(
        createWebhookHandler({ signature: false, logger: quiet, maxBodyBytes: limit }),
      ),
    );
    try {
      const base = 'event=dtmf&dtmf=1&callId=1&pad=';
      const exact = base + 'x'.repeat(limit - base.length);
      expect((await postForm(small.url, exact)).status).toBe(200);
      expect((await postForm(small.url, `${exact}x`)).status).toBe(413);
    } finally {
      await small.close();
    }
  });

  it('answers an unknown event with 400 listing the issue', async () => {
    const response = await postForm(server.url, 'event=ring&callId=1');
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: string; issues: { path: string }[] } };
    expect(body.error.code).toBe('EVENT_UNKNOWN');
    expect(body.error.issues[0]?.path).toBe('event');
    await expectStillServing();
  });

  it('answers a missing callId with 400 naming the field', async () => {
    const response = await postForm(server.url, 'event=hangup&cause=normalClearing');
    expect(response.status).toBe(400);
    const body = (await response.json()) as {
      error: { code: string; message: string; issues: { path: string; code: string }[] };
    };
    expect(body.error.code).toBe('EVENT_INVALID');
    expect(body.error.issues).toContainEqual(
      expect.objectContaining({ path: 'callId', code: 'FIELD_REQUIRED' }),
    );
    await expectStillServing();
  });

  it('answers an empty form with 400', async () => {
    const response = await postForm(server.url, '');
    expect(response.status).toBe(400);
    await expectStillServing();
  });

  it.each(['GET', 'PUT', 'DELETE'])('answers %s with 405 and Allow: POST', async (method) => {
    const response = await fetch(server.url, { method });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
    await response.arrayBuffer();
    await expectStillServing();
  });

  it('survives a truncated body (Content-Length larger than sent, then close)', async () => {
    const before = lines.length;
    const reply = await rawExchange(
      server.url,
      'POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 500\r\n\r\nevent=newCall&callId=1',
      true,
    );
    // Nobody is left to read an answer; what matters is that the server logs it and carries on.
    expect(reply).not.toContain('200 OK');
    await eventually(() => lines.slice(before).some((line) => line.code === 'BODY_INCOMPLETE'));
    await expectStillServing();
  });

  it('survives a malformed request line and garbage bytes', async () => {
    const reply = await rawExchange(server.url, '\u0000\u0001GARBAGE\r\n\r\n', true);
    expect(reply).toMatch(/^HTTP\/1\.1 400/);
    await expectStillServing();
  });

  it('logs one JSON line per request with callId, event, status and duration', async () => {
    const before = lines.length;
    await (await postForm(server.url, CONTRACT_EXAMPLES.dtmf)).arrayBuffer();
    await eventually(() => lines.length > before);
    expect(lines.slice(before)).toContainEqual(
      expect.objectContaining({
        level: 30,
        callId: '123456',
        event: 'dtmf',
        status: 200,
        durationMs: expect.any(Number),
      }),
    );
  });
});

describe('request steps with a test key', () => {
  const keys = createTestKeys();
  const other = createTestKeys();
  let server: Server;
  beforeAll(async () => {
    const { logger } = captureLogger('silent');
    const handler = createWebhookHandler({
      signature: { publicKeys: [other.publicKey, keys.publicKey] },
      logger,
    });
    server = await listen(toNodeListener(handler));
  });
  afterAll(() => server.close());

  it.each(Object.entries(CONTRACT_EXAMPLES))(
    'accepts the signed contract example for %s',
    async (_name, body) => {
      const response = await postForm(server.url, body, {
        'x-sipgate-signature': signBody(body, keys.privateKey),
      });
      expect(response.status).toBe(200);
      expect(await response.text()).toMatch(/^<\?xml/);
    },
  );

  it('refuses an unsigned request with 401 while signatures are on', async () => {
    const response = await postForm(server.url, CONTRACT_EXAMPLES.newCall);
    expect(response.status).toBe(401);
    expect(await errorCode(response)).toBe('SIGNATURE_MISSING');
  });

  it('refuses a signature made by a key it does not know', async () => {
    const stranger = createTestKeys();
    const response = await postForm(server.url, CONTRACT_EXAMPLES.newCall, {
      'x-sipgate-signature': signBody(CONTRACT_EXAMPLES.newCall, stranger.privateKey),
    });
    expect(response.status).toBe(401);
  });

  it('refuses a signature of another body', async () => {
    const response = await postForm(server.url, CONTRACT_EXAMPLES.newCall, {
      'x-sipgate-signature': signBody(CONTRACT_EXAMPLES.hangup, keys.privateKey),
    });
    expect(response.status).toBe(401);
  });

  it('checks content type before the signature (415 for a signed JSON body)', async () => {
    const body = '{"event":"newCall"}';
    const response = await fetch(server.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-sipgate-signature': signBody(body, keys.privateKey),
      },
      body,
    });
    expect(response.status).toBe(415);
  });
});

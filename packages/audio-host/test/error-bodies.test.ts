// Every error the host answers is siphook's one JSON shape, `{"error":{"code","message"}}`, the
// same as the webhook's (issue 10, item 4), and never names a file-system path.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type AudioHost, createAudioHost } from '../src/index.js';
import { listen, makeTempDir, makeWav, type RawResponse, rawRequest } from './helpers.js';

let temp: Awaited<ReturnType<typeof makeTempDir>>;
const welcome = makeWav({ seconds: 0.5 });

beforeAll(async () => {
  temp = await makeTempDir('errors');
  await writeFile(join(temp.dir, 'welcome.wav'), welcome);
});
afterAll(() => temp.remove());

function expectError(response: RawResponse, status: number, code: string): void {
  expect(response.status, code).toBe(status);
  expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
  expect(response.headers['cache-control']).toBe('no-store');
  expect(Number(response.headers['content-length'])).toBe(response.body.length);
  const body = JSON.parse(response.body.toString('utf8'));
  expect(Object.keys(body)).toEqual(['error']);
  expect(body.error.code).toBe(code);
  expect(body.error.message.length).toBeGreaterThan(10);
  expect(response.text).not.toContain(temp.dir);
}

describe('error answers', () => {
  let host: AudioHost;
  let http: Awaited<ReturnType<typeof listen>>;
  beforeAll(async () => {
    host = await createAudioHost({ root: temp.dir, publicUrl: 'http://127.0.0.1:1' });
    http = await listen(host.handle);
  });
  afterAll(async () => {
    await http.close();
    await host.close();
  });

  it('answers 400, 404, 405, 412 and 416 with a code', async () => {
    expectError(await rawRequest(http.port, '/%2e%2e/secret'), 400, 'AUDIO_PATH_INVALID');
    expectError(await rawRequest(http.port, '/nope.wav'), 404, 'AUDIO_PROMPT_UNKNOWN');
    const post = await rawRequest(http.port, '/welcome.wav', { method: 'DELETE' });
    expectError(post, 405, 'METHOD_NOT_ALLOWED');
    expect(post.headers['allow']).toBe('GET, HEAD');
    const precondition = await rawRequest(http.port, '/welcome.wav', {
      headers: { 'If-Match': '"other"' },
    });
    expectError(precondition, 412, 'PRECONDITION_FAILED');
    const range = await rawRequest(http.port, '/welcome.wav', {
      headers: { Range: `bytes=${welcome.length}-` },
    });
    expectError(range, 416, 'RANGE_NOT_SATISFIABLE');
    expect(range.headers['content-range']).toBe(`bytes */${welcome.length}`);
  });

  it('answers the same through fetch', async () => {
    const response = await host.fetch(new Request('http://127.0.0.1/nope.wav'));
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await response.json()).toMatchObject({ error: { code: 'AUDIO_PROMPT_UNKNOWN' } });
  });
});

describe('error answers of a guarded host', () => {
  it('answers 401 and each 403 with a code', async () => {
    const host = await createAudioHost({
      root: temp.dir,
      publicUrl: 'http://127.0.0.1:1',
      basicAuth: { username: 'sipgate', password: 's3cret' },
      signingSecret: 'a-signing-secret-of-32-characters',
    });
    const http = await listen(host.handle);
    const authorization = `Basic ${Buffer.from('sipgate:s3cret').toString('base64')}`;
    try {
      const unauthorized = await rawRequest(http.port, '/welcome.wav');
      expectError(unauthorized, 401, 'BASIC_AUTH_INVALID');
      expect(unauthorized.headers['www-authenticate']).toContain('Basic');
      const signed = new URL(host.urlFor('welcome', { expiresIn: 60 }));
      const sig = signed.searchParams.get('sig')!;
      for (const [target, code] of [
        ['/welcome.wav', 'AUDIO_SIGNATURE_INVALID'],
        ['/welcome.wav?exp=x&sig=y', 'AUDIO_SIGNATURE_INVALID'],
        [
          `${signed.pathname}?exp=${signed.searchParams.get('exp')}1&sig=${sig}`,
          'AUDIO_SIGNATURE_INVALID',
        ],
        [`${signed.pathname}?exp=1&sig=${sig}`, 'AUDIO_SIGNATURE_INVALID'],
      ] as const) {
        const response = await rawRequest(http.port, target, { headers: { authorization } });
        expectError(response, 403, code);
      }
      const ok = await rawRequest(http.port, signed.pathname + signed.search, {
        headers: { authorization },
      });
      expect(ok.status).toBe(200);
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(Date.now() + 61_000);
      const expired = await rawRequest(http.port, signed.pathname + signed.search, {
        headers: { authorization },
      });
      expectError(expired, 403, 'AUDIO_SIGNATURE_EXPIRED');
    } finally {
      vi.useRealTimers();
      await http.close();
      await host.close();
    }
  });
});

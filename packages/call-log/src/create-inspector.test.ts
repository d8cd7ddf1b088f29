import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { encodeCanonicalHeader } from '@siphook/wav';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { exchange, newCall, temporaryFolder } from '../test/exchanges.js';
import { CallPageSchema, CallViewSchema, WaveformSchema } from './call-record.js';
import { createInspector, type Inspector } from './create-inspector.js';
import { type CallLogFile, openCallLogFile } from './open-call-log-file.js';
import { toPushRecord } from './push-exchange.js';
import { type InspectorServer, serveInspector } from './serve-inspector.js';

const BASE = 'http://127.0.0.1/inspect';

/** One second of a 440 Hz tone at half scale, as a Play file (8 kHz mono 16-bit PCM). */
function toneWav(): Buffer {
  const samples = Buffer.alloc(16000);
  for (let i = 0; i < 8000; i++) {
    samples.writeInt16LE(Math.round(16384 * Math.sin((2 * Math.PI * 440 * i) / 8000)), 2 * i);
  }
  return Buffer.concat([encodeCanonicalHeader(samples.length), samples]);
}

describe('createInspector', () => {
  let folder: string;
  let remove: () => void;
  let log: CallLogFile;
  let inspector: Inspector;
  let audio: http.Server;
  let audioUrl: string;

  beforeAll(async () => {
    const wav = toneWav();
    audio = http.createServer((request, response) => {
      if (request.url === '/tone.wav') {
        response.writeHead(200, { 'Content-Type': 'audio/wav', 'Content-Length': wav.length });
        response.end(wav);
      } else if (request.url === '/moved.wav') {
        response.writeHead(302, { Location: '/tone.wav' }).end();
      } else response.writeHead(404).end();
    });
    await new Promise<void>((resolve) => audio.listen(0, '127.0.0.1', resolve));
    audioUrl = `http://127.0.0.1:${(audio.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => audio.close(() => resolve())));

  beforeEach(() => {
    ({ folder, remove } = temporaryFolder());
    log = openCallLogFile(path.join(folder, 'calls.db'), { retentionMs: 0 });
    log.append([
      toPushRecord(
        exchange(newCall('call/1 ä'), {
          onHangup: 'http://127.0.0.1:3000/hangup',
          actions: [
            { action: 'Play', url: `${audioUrl}/moved.wav` },
            { action: 'Dial', target: { numbers: ['4915799912345'] } },
          ],
        }),
      ),
      toPushRecord(
        exchange({ event: 'hangup', callId: 'call/1 ä', cause: 'normalClearing' }, undefined, {
          path: '/hangup',
        }),
      ),
    ]);
    inspector = createInspector({ reader: log });
  });
  afterEach(() => {
    inspector.close();
    log.close();
    remove();
  });

  const get = (url: string, headers: Record<string, string> = {}) =>
    inspector.handle(new Request(`${BASE}${url}`, { headers }));

  it('lists calls and shows one with its pushes, findings and Play URLs', async () => {
    const list = await get('/api/calls');
    expect(list.status).toBe(200);
    expect(list.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const page = CallPageSchema.parse(await list.json());
    expect(page.calls.map((call) => call.callId)).toEqual(['call/1 ä']);

    const one = await get(`/api/calls/${encodeURIComponent('call/1 ä')}`);
    const view = CallViewSchema.parse(await one.json());
    expect(view.call.outcome).toBe('dialed');
    expect(view.pushes.map((push) => push.event)).toEqual(['newCall', 'hangup']);
    expect(view.pushes[0]?.response?.onHangup).toBe('http://127.0.0.1:3000/hangup');
    expect(view.plays).toEqual([`${audioUrl}/moved.wav`]);
  });

  it('answers an unknown call with 404 and a malformed query with 400, in the one error shape', async () => {
    const unknown = await get('/api/calls/nope');
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({
      error: { code: 'CALL_UNKNOWN', message: 'callId: no call "nope" in the log' },
    });
    const malformed = await get('/api/calls?limit=0&outcome=maybe&since=yesterday&extra=1');
    expect(malformed.status).toBe(400);
    const body = (await malformed.json()) as {
      error: { code: string; issues: { path: string }[] };
    };
    expect(body.error.code).toBe('QUERY_INVALID');
    expect(body.error.issues.map((issue) => issue.path).sort()).toEqual([
      'extra',
      'limit',
      'outcome',
      'since',
    ]);
    const route = await get('/api/nothing');
    expect(route.status).toBe(404);
    expect(((await route.json()) as { error: { code: string } }).error.code).toBe('ROUTE_UNKNOWN');
    const post = await inspector.handle(new Request(`${BASE}/api/calls`, { method: 'POST' }));
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });

  it('serves the built page with a strict policy, and nothing outside its own files', async () => {
    const page = await get('/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await page.text();
    const script = /src="\.\/(assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const asset = await get(`/${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await get('')).headers.get('location')).toBe('inspect/');
    for (const probe of ['/../package.json', '/assets/../../package.json', '/%2e%2e/index.js']) {
      expect((await get(probe)).status, probe).toBe(404);
    }
  });

  it('exports a call as a scenario file', async () => {
    const response = await get(`/api/calls/${encodeURIComponent('call/1 ä')}/scenario`);
    expect(response.headers.get('content-type')).toBe('text/yaml; charset=utf-8');
    expect(await response.text()).toContain('dials: "4915799912345"');
  });

  it('draws a Play URL: format, duration and peaks, after a redirect', async () => {
    const response = await get(`/api/calls/${encodeURIComponent('call/1 ä')}/plays/0`);
    const waveform = WaveformSchema.parse(await response.json());
    expect(waveform).toMatchObject({
      playable: true,
      format: '8000 Hz mono 16-bit PCM',
      durationSeconds: 1,
      problems: [],
    });
    expect(waveform.peaks).toHaveLength(600);
    expect(Math.max(...waveform.peaks)).toBeCloseTo(0.5, 2);
    expect(Math.min(...waveform.peaks)).toBeCloseTo(-0.5, 2);
    expect((await get(`/api/calls/${encodeURIComponent('call/1 ä')}/plays/1`)).status).toBe(404);
  });

  it('asks for Basic auth when configured, and trades a token link for a cookie', async () => {
    const basic = createInspector({
      reader: log,
      auth: { basic: { username: 'ops', password: 'secret' } },
    });
    const refused = await basic.handle(new Request(`${BASE}/api/calls`));
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe(
      'INSPECT_AUTH_INVALID',
    );
    const wrong = await basic.handle(
      new Request(`${BASE}/api/calls`, { headers: { authorization: 'Basic b3BzOnNlY3JldA==x' } }),
    );
    expect(wrong.status).toBe(401);
    const right = await basic.handle(
      new Request(`${BASE}/api/calls`, { headers: { authorization: 'Basic b3BzOnNlY3JldA==' } }),
    );
    expect(right.status).toBe(200);
    basic.close();

    const token = 'a-token-of-twenty-chars';
    const tokened = createInspector({ reader: log, auth: { token } });
    const link = await tokened.handle(new Request(`${BASE}/?token=${token}&call=1`));
    expect(link.status).toBe(303);
    expect(link.headers.get('location')).toBe('./?call=1');
    const cookie = link.headers.get('set-cookie')!;
    expect(cookie).toContain('HttpOnly');
    const withCookie = await tokened.handle(
      new Request(`${BASE}/api/calls`, { headers: { cookie: cookie.split(';')[0]! } }),
    );
    expect(withCookie.status).toBe(200);
    const bearer = await tokened.handle(
      new Request(`${BASE}/api/calls`, { headers: { authorization: `Bearer ${token}` } }),
    );
    expect(bearer.status).toBe(200);
    expect((await tokened.handle(new Request(`${BASE}/?token=wrong-token-wrong`))).status).toBe(
      401,
    );
    tokened.close();
  });
});

describe('serveInspector', () => {
  let folder: string;
  let remove: () => void;
  let log: CallLogFile;
  let served: InspectorServer | undefined;
  beforeEach(() => {
    ({ folder, remove } = temporaryFolder());
    log = openCallLogFile(path.join(folder, 'calls.db'), { retentionMs: 0 });
  });
  afterEach(async () => {
    await served?.close();
    served = undefined;
    log.close();
    remove();
  });

  it('streams new calls as server-sent events', async () => {
    served = await serveInspector({ reader: log, port: 0 });
    const response = await fetch(`${served.url}api/events`);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    const first = await reader.read();
    text += decoder.decode(first.value);
    expect(text).toContain('retry: 2000');
    log.append([toPushRecord(exchange(newCall('live-1'), { actions: [{ action: 'Hangup' }] }))]);
    while (!text.includes('event: calls')) {
      const next = await reader.read();
      if (next.done) break;
      text += decoder.decode(next.value);
    }
    await reader.cancel();
    const data = /event: calls\ndata: (.*)\n/.exec(text)?.[1];
    expect(JSON.parse(data ?? '[]')).toMatchObject([{ callId: 'live-1', outcome: 'hungUp' }]);
  });

  it('refuses to listen beyond loopback without --inspect-auth', async () => {
    await expect(serveInspector({ reader: log, port: 0, host: '0.0.0.0' })).rejects.toThrow(
      /--inspect-auth: required when the inspector listens on 0\.0\.0\.0/,
    );
    served = await serveInspector({
      reader: log,
      port: 0,
      host: '0.0.0.0',
      auth: { token: 'a-token-of-twenty-chars' },
    });
    expect((await fetch(`${served.url}api/calls`)).status).toBe(401);
  });
});

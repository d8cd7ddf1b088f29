import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isSiphookError } from '@siphook/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWav, NOT_WAV, sawtooth } from '../test/wav-bytes.js';
import { checkUrl } from './check-url.js';

const FIVE_MIB = 5 * 1024 * 1024;
const big = buildWav({ frames: FIVE_MIB / 2 });
const small = buildWav({ frames: 8000 });
const LIMIT = 65536;
const HUGE = 64 * 1024 * 1024;

/** What the server saw for one path: hits, body bytes it managed to write, whether the socket closed. */
interface Served {
  hits: number;
  written: number;
  closed: boolean;
  headers: IncomingMessage['headers'][];
}
const served = new Map<string, Served>();
const record = (path: string): Served => {
  const entry = served.get(path) ?? { hits: 0, written: 0, closed: false, headers: [] };
  served.set(path, entry);
  return entry;
};

/** Writes `total` bytes (or forever) with back-pressure, counting what the socket accepted. */
async function pump(
  res: ServerResponse,
  entry: Served,
  source: (at: number) => Uint8Array,
  total = Infinity,
) {
  res.on('close', () => {
    entry.closed = true;
  });
  let at = 0;
  while (at < total && !res.destroyed) {
    const piece = source(at).subarray(0, Math.min(16384, total - at));
    at += piece.length;
    entry.written += piece.length;
    if (!res.write(piece)) {
      await new Promise<void>((resolve) => {
        const done = () => {
          res.off('drain', done);
          res.off('close', done);
          resolve();
        };
        res.on('drain', done);
        res.on('close', done);
      });
    }
  }
  if (!res.destroyed) res.end();
}

function serveRange(
  req: IncomingMessage,
  res: ServerResponse,
  file: Uint8Array,
  entry: Served,
  contentType = 'audio/wav',
) {
  const match = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? '');
  res.on('close', () => {
    entry.closed = true;
  });
  if (match === null) {
    res.writeHead(200, { 'content-type': contentType, 'content-length': file.length });
    entry.written += file.length;
    res.end(file);
    return;
  }
  const start = Number(match[1]);
  const end = Math.min(Number(match[2]), file.length - 1);
  const slice = file.subarray(start, end + 1);
  res.writeHead(206, {
    'content-type': contentType,
    'content-length': slice.length,
    'content-range': `bytes ${start}-${end}/${file.length}`,
  });
  entry.written += slice.length;
  res.end(slice);
}

let server: Server;
let other: Server;
let base: string;
let otherBase: string;

const handler = (req: IncomingMessage, res: ServerResponse) => {
  const url = new URL(req.url ?? '/', 'http://x');
  const path = url.pathname;
  const entry = record(path);
  entry.hits++;
  entry.headers.push(req.headers);
  const chain = /^\/chain\/(\d+)$/.exec(path);
  if (chain) {
    const n = Number(chain[1]);
    if (n === 0) return serveRange(req, res, small, entry);
    res.writeHead(302, { location: `./${n - 1}` });
    return res.end();
  }
  switch (path) {
    case '/honours-range.wav':
      return serveRange(req, res, big, entry);
    case '/ignores-range.wav': {
      // 64 MiB, more than any kernel socket buffer takes, so `written` shows the client hung up.
      const header = buildWav({ frames: 0, dataSize: HUGE - 44, riffSize: HUGE - 8 });
      res.writeHead(200, { 'content-type': 'audio/wav', 'content-length': HUGE });
      return void pump(res, entry, (at) => (at === 0 ? header : sawtooth(16384)), HUGE);
    }
    case '/endless-audio.wav':
      // A valid header with the streaming placeholder size, then audio forever (a live stream).
      res.writeHead(200, { 'content-type': 'audio/wav' });
      return void pump(res, entry, (at) =>
        at === 0
          ? buildWav({ frames: 0, dataSize: 0xffffffff, riffSize: 0xffffffff })
          : sawtooth(16384),
      );
    case '/endless-junk.wav':
      // A chunk declared as nearly 4 GiB before any fmt or data, then bytes forever.
      res.writeHead(200, { 'content-type': 'audio/wav' });
      return void pump(res, entry, (at) =>
        at === 0
          ? buildWav({ chunks: [{ id: 'JUNK', body: 0, declaredSize: 0xfffffff0 }] }).subarray(
              0,
              20,
            )
          : sawtooth(16384),
      );
    case '/stall-headers.wav':
      res.on('close', () => {
        entry.closed = true;
      });
      res.writeHead(200, { 'content-type': 'audio/wav', 'content-length': small.length });
      res.flushHeaders();
      return;
    case '/stall-body.wav':
      res.on('close', () => {
        entry.closed = true;
      });
      res.writeHead(200, { 'content-type': 'audio/wav', 'content-length': small.length });
      entry.written += 20;
      res.write(small.subarray(0, 20));
      return;
    case '/stall-after-wav-header.wav':
      res.on('close', () => {
        entry.closed = true;
      });
      res.writeHead(200, { 'content-type': 'audio/wav', 'content-length': small.length });
      entry.written += 44;
      res.write(small.subarray(0, 44));
      return;
    case '/short-body.wav':
      // Content-Length promises the whole file, then the connection drops after 5000 bytes.
      res.writeHead(200, { 'content-type': 'audio/wav', 'content-length': small.length });
      entry.written += 5000;
      res.write(small.subarray(0, 5000), () => res.destroy());
      return;
    case '/short-chunked.wav':
      // No length at all (chunked), and the body ends cleanly after 5000 bytes.
      res.writeHead(200, { 'content-type': 'audio/wav' });
      entry.written += 5000;
      res.end(small.subarray(0, 5000));
      return;
    case '/loop.wav':
      res.writeHead(301, { location: '/loop.wav' });
      return res.end();
    case '/ping.wav':
      res.writeHead(302, { location: `${base}/pong.wav` });
      return res.end();
    case '/pong.wav':
      res.writeHead(307, { location: '/ping.wav' });
      return res.end();
    case '/text-type.wav':
      return serveRange(req, res, small, entry, 'text/plain');
    case '/truncated.wav':
      return serveRange(req, res, buildWav({ frames: 8000, truncateTo: 10000 }), entry);
    case '/trailing.wav': {
      const file = new Uint8Array(small.length + 100);
      file.set(small);
      return serveRange(req, res, file, entry);
    }
    case '/prompt.mp3':
      return serveRange(req, res, NOT_WAV['mp3 (ID3)']!, entry, 'audio/mpeg');
    case '/to-other-origin.wav':
      res.writeHead(302, { location: `${otherBase}/chain/0` });
      return res.end();
    case '/private.wav':
      // Basic auth as the contract's URLs carry it: user "prompt user", password "p@ss:wörd".
      if (
        req.headers.authorization !==
        `Basic ${Buffer.from('prompt user:p@ss:wörd').toString('base64')}`
      ) {
        res.writeHead(401, { 'www-authenticate': 'Basic realm="prompts"' });
        return res.end();
      }
      return serveRange(req, res, small, entry);
    case '/no-length.wav':
      res.writeHead(200, { 'content-type': 'audio/wav' });
      return void pump(res, entry, (at) => small.subarray(at), small.length);
    default:
      res.writeHead(404, { 'content-type': 'text/html' });
      return res.end('<html>not found</html>');
  }
};

beforeAll(async () => {
  server = createServer(handler);
  other = createServer(handler);
  server.listen(0, '127.0.0.1');
  other.listen(0, '127.0.0.1');
  await Promise.all([once(server, 'listening'), once(other, 'listening')]);
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  otherBase = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  other.closeAllConnections();
  await Promise.all([new Promise((r) => server.close(r)), new Promise((r) => other.close(r))]);
});

/** Waits (bounded) until the server has seen the client's socket go away. */
async function closedOnServer(path: string): Promise<boolean> {
  for (let i = 0; i < 100 && !served.get(path)?.closed; i++)
    await new Promise((r) => setTimeout(r, 20));
  return served.get(path)?.closed ?? false;
}

describe('checkUrl', () => {
  it('reads one 64 KiB range from a server that honours Range', async () => {
    const result = await checkUrl(`${base}/honours-range.wav`);
    expect(result).toMatchObject({
      ok: true,
      status: 206,
      contentType: 'audio/wav',
      totalSize: big.length,
      problems: [],
      warnings: [],
    });
    expect(result.info?.dataSize).toBe(FIVE_MIB);
    expect(result.bytesRead).toBeLessThanOrEqual(LIMIT);
    expect(result.bytesReceived).toBeLessThanOrEqual(LIMIT);
    expect(served.get('/honours-range.wav')?.headers[0]?.range).toBe('bytes=0-65535');
    expect(served.get('/honours-range.wav')?.written).toBe(LIMIT);
  });

  it('stops reading a server that ignores Range at 64 KiB, the header and the start of the audio', async () => {
    const result = await checkUrl(`${base}/ignores-range.wav`);
    expect(result).toMatchObject({
      ok: true,
      status: 200,
      totalSize: HUGE,
      problems: [],
      warnings: [],
    });
    expect(result.bytesRead).toBeLessThanOrEqual(LIMIT);
    // The last network read may run past the 64 KiB taken in.
    expect(result.bytesReceived).toBeLessThanOrEqual(2 * LIMIT);
    expect(await closedOnServer('/ignores-range.wav')).toBe(true);
    // The socket was closed long before the 64 MiB were through (kernel buffers take some).
    expect(served.get('/ignores-range.wav')!.written).toBeLessThan(HUGE / 2);
  });

  it('stops an endless live stream at 64 KiB, and refuses its placeholder size', async () => {
    const result = await checkUrl(`${base}/endless-audio.wav`, { timeoutMs: 3000 });
    expect(result.bytesRead).toBeLessThanOrEqual(LIMIT);
    expect(result.info?.format?.sampleRate).toBe(8000);
    expect(result.problems.map((problem) => problem.code)).toEqual(['WAV_DATA_SIZE_UNKNOWN']);
    expect(result.warnings.map((warning) => warning.code)).toEqual(['URL_LENGTH_UNKNOWN']);
    expect(await closedOnServer('/endless-audio.wav')).toBe(true);
  });

  it('stops an endless body without a header at 64 KiB', async () => {
    const result = await checkUrl(`${base}/endless-junk.wav`, { timeoutMs: 3000 });
    expect(result.ok).toBe(false);
    expect(result.bytesRead).toBe(LIMIT);
    expect(result.bytesReceived).toBeLessThanOrEqual(2 * LIMIT);
    expect(result.problems.map((problem) => problem.code)).toEqual(['WAV_HEADER_INCOMPLETE']);
    expect(await closedOnServer('/endless-junk.wav')).toBe(true);
  });

  it('gives up on a server that stalls after the response headers', async () => {
    const started = Date.now();
    const result = await checkUrl(`${base}/stall-headers.wav`, { timeoutMs: 300 });
    expect(Date.now() - started).toBeLessThan(4000);
    expect(result.ok).toBe(false);
    expect(result.bytesRead).toBe(0);
    expect(result.problems.map((problem) => problem.code)).toEqual(['URL_TIMEOUT']);
    expect(await closedOnServer('/stall-headers.wav')).toBe(true);
  });

  it('gives up on a server that stalls inside the WAV header', async () => {
    const result = await checkUrl(`${base}/stall-body.wav`, { timeoutMs: 300 });
    expect(result.bytesRead).toBe(20);
    expect(result.problems.map((problem) => problem.code)).toEqual([
      'URL_TIMEOUT',
      'WAV_HEADER_INCOMPLETE',
    ]);
    expect(await closedOnServer('/stall-body.wav')).toBe(true);
  });

  it('reports WAV_STALLED, with the bytes received, for a body that stalls after the WAV header', async () => {
    const started = Date.now();
    const result = await checkUrl(`${base}/stall-after-wav-header.wav`, { timeoutMs: 300 });
    expect(Date.now() - started).toBeLessThan(4000);
    expect(result).toMatchObject({ ok: false, bytesRead: 44, bytesReceived: 44 });
    expect(result.problems).toEqual([
      {
        code: 'WAV_STALLED',
        message: `the body stalled after 44 bytes: nothing more arrived within 300 ms, where ${small.length} bytes (the header and the audio after it, up to 65536) were expected; sipgate.io would play silence`,
        field: 'body',
        received: '44 bytes, then nothing for the rest of 300 ms',
        expected: `${small.length} bytes (the header and the audio after it, up to 65536)`,
      },
    ]);
    expect(await closedOnServer('/stall-after-wav-header.wav')).toBe(true);
  });

  it('reports WAV_TRUNCATED, with the bytes received, for a body that breaks off before its data ends', async () => {
    const result = await checkUrl(`${base}/short-body.wav`, { timeoutMs: 3000 });
    expect(result.ok).toBe(false);
    expect(result.bytesReceived).toBe(5000);
    expect(result.problems.map((problem) => problem.code)).toEqual(['WAV_TRUNCATED']);
    expect(result.problems[0]?.message).toMatch(
      new RegExp(
        `^the body ended after 5000 bytes \\(.+\\), where ${small.length} bytes \\(the header and the audio after it, up to 65536\\) were expected; sipgate.io would cut the prompt$`,
      ),
    );
  });

  it('reports WAV_TRUNCATED for a body without a length that ends before its data does', async () => {
    const result = await checkUrl(`${base}/short-chunked.wav`, { timeoutMs: 3000 });
    expect(result.ok).toBe(false);
    expect(result.bytesReceived).toBe(5000);
    expect(result.problems[0]).toMatchObject({
      code: 'WAV_TRUNCATED',
      message: `the body ended after 5000 bytes, where ${small.length} bytes (the header and the audio after it, up to 65536) were expected; sipgate.io would cut the prompt`,
    });
    expect(result.warnings.map((warning) => warning.code)).toEqual(['URL_LENGTH_UNKNOWN']);
  });

  it('refuses a redirect loop after a bounded number of requests', async () => {
    const self = await checkUrl(`${base}/loop.wav`);
    expect(self.problems.map((problem) => problem.code)).toEqual(['URL_REDIRECT_LOOP']);
    expect(served.get('/loop.wav')?.hits).toBe(1);
    const pingPong = await checkUrl(`${base}/ping.wav`);
    expect(pingPong.problems.map((problem) => problem.code)).toEqual(['URL_REDIRECT_LOOP']);
    expect(pingPong.redirects).toEqual([`${base}/pong.wav`]);
    expect(pingPong.bytesRead).toBe(0);
  });

  it('follows 3 relative redirects and refuses a 4th', async () => {
    const three = await checkUrl(`${base}/chain/3`);
    expect(three).toMatchObject({ ok: true, finalUrl: `${base}/chain/0` });
    expect(three.redirects).toEqual([`${base}/chain/2`, `${base}/chain/1`, `${base}/chain/0`]);
    const four = await checkUrl(`${base}/chain/14`);
    expect(four.ok).toBe(false);
    expect(four.problems.map((problem) => problem.code)).toEqual(['URL_TOO_MANY_REDIRECTS']);
    expect(four.problems[0]?.message).toBe(
      `more than 3 redirects; the last one pointed to "${base}/chain/10"`,
    );
    expect(served.get('/chain/10')?.hits ?? 0).toBe(0);
    expect(served.get('/chain/11')?.hits).toBe(1);
  });

  it('warns about a wrong Content-Type but still passes the file', async () => {
    const result = await checkUrl(`${base}/text-type.wav`);
    expect(result.ok).toBe(true);
    expect(result.warnings).toEqual([
      expect.objectContaining({
        code: 'URL_CONTENT_TYPE',
        message: 'Content-Type is "text/plain"; expected audio/wav, audio/x-wav or audio/wave',
      }),
    ]);
  });

  it('detects a file shorter than its header declares from the Content-Range total', async () => {
    const result = await checkUrl(`${base}/truncated.wav`);
    expect(result.ok).toBe(false);
    expect(result.totalSize).toBe(10000);
    expect(result.problems.map((problem) => problem.code)).toEqual(['WAV_TRUNCATED']);
  });

  it('warns when the server reports more bytes than the RIFF header declares', async () => {
    const result = await checkUrl(`${base}/trailing.wav`);
    expect(result.ok).toBe(true);
    expect(result.warnings.map((warning) => warning.code)).toEqual(['URL_LENGTH_MISMATCH']);
  });

  it('reads a whole small body without a length', async () => {
    const result = await checkUrl(`${base}/no-length.wav`);
    expect(result.ok).toBe(true);
    expect(result.info?.fileSize).toBeUndefined();
  });

  it('names an MP3 behind a .mp3 URL', async () => {
    const result = await checkUrl(`${base}/prompt.mp3`);
    expect(result.problems).toEqual([expect.objectContaining({ code: 'WAV_NOT_RIFF' })]);
    expect(result.problems[0]?.message).toContain('MP3 audio');
    expect(result.warnings.map((warning) => warning.code)).toEqual(['URL_CONTENT_TYPE']);
  });

  it('reports a status other than 200 or 206', async () => {
    const result = await checkUrl(`${base}/missing.wav`);
    expect(result).toMatchObject({ ok: false, status: 404, bytesRead: 0 });
    expect(result.problems[0]?.message).toBe(
      'HTTP status is 404; a Play URL must answer 200 or 206',
    );
  });

  it('drops credentials when a redirect leaves the origin', async () => {
    const result = await checkUrl(`${base}/to-other-origin.wav`, {
      headers: { Authorization: 'Bearer secret', 'X-Trace': 'kept' },
    });
    expect(result.ok).toBe(true);
    expect(served.get('/to-other-origin.wav')?.headers[0]?.authorization).toBe('Bearer secret');
    const last = served.get('/chain/0')?.headers.at(-1);
    expect(last?.authorization).toBeUndefined();
    expect(last?.['x-trace']).toBe('kept');
  });

  it('sends the user:pass@ of the URL as Basic auth, as sipgate.io does', async () => {
    const port = new URL(base).port;
    const result = await checkUrl(
      `http://prompt%20user:p%40ss%3Aw%C3%B6rd@127.0.0.1:${port}/private.wav`,
    );
    expect(result.status).toBe(206);
    expect(result.ok).toBe(true);
    const wrong = await checkUrl(`http://prompt%20user:nope@127.0.0.1:${port}/private.wav`);
    expect(wrong.status).toBe(401);
    expect(wrong.ok).toBe(false);
  });

  it('accepts only http(s) URLs and reports unreachable hosts', async () => {
    expect((await checkUrl('ftp://127.0.0.1/a.wav')).problems[0]?.code).toBe('URL_INVALID');
    expect((await checkUrl('not a url')).problems[0]?.code).toBe('URL_INVALID');
    const closed = createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const unreachable = await checkUrl(`http://127.0.0.1:${port}/a.wav`);
    expect(unreachable.problems.map((problem) => problem.code)).toEqual(['URL_UNREACHABLE']);
    expect(unreachable.problems[0]?.message).toContain('ECONNREFUSED');
  });

  it('refuses options that are not positive integers', async () => {
    const error = await checkUrl(`${base}/a.wav`, { maxBytes: 0 }).catch((e: unknown) => e);
    expect(isSiphookError(error, 'OPTIONS_INVALID')).toBe(true);
  });
});

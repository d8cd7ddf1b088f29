// A GET for a prompt needs no body. A large one is refused with 413 and `Connection: close`, and
// the connection then closes cleanly (FIN after the answer, never a reset that could swallow the
// answer) while the client is still sending (issue 12, item 6).
import { writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AudioHost, createAudioHost } from '../src/index.js';
import { errorCodeOf, listen, makeTempDir, makeWav } from './helpers.js';

interface Exchange {
  /** Everything the client read, as latin1. */
  text: string;
  /** The socket error the client saw (`ECONNRESET`, `EPIPE`), if any. */
  error: string | undefined;
  /** True when the server ended the connection (FIN) rather than the client giving up. */
  ended: boolean;
  /** Body bytes the client had written when it stopped. */
  sent: number;
}

/**
 * Sends a request head, then body bytes as fast as the server takes them, until the answer is in
 * (or `maxBody` is sent); then ends its side, as a well-behaved client does, and reports.
 */
function sendBody(
  port: number,
  head: string,
  options: { chunked: boolean; maxBody: number; pieceBytes?: number },
): Promise<Exchange> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const piece = Buffer.alloc(options.pieceBytes ?? 16 * 1024, 0x61);
    let text = '';
    let error: string | undefined;
    let ended = false;
    let answered = false;
    let sent = 0;
    const complete = (): boolean => {
      const split = text.indexOf('\r\n\r\n');
      if (split < 0) return false;
      const length = /\r\ncontent-length: *(\d+)/i.exec(text.slice(0, split));
      return length !== null && text.length >= split + 4 + Number(length[1]);
    };
    const timer = setTimeout(() => socket.destroy(), 15_000);
    socket.on('data', (chunk) => {
      text += chunk.toString('latin1');
      if (!answered && complete()) {
        answered = true;
        if (options.chunked) socket.end('0\r\n\r\n');
        else socket.end();
      }
    });
    socket.on('error', (caught: NodeJS.ErrnoException) => {
      error = caught.code;
    });
    socket.on('end', () => {
      ended = true;
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ text, error, ended, sent });
    });
    socket.write(head);
    const pump = (): void => {
      while (!answered && sent < options.maxBody && !socket.destroyed) {
        sent += piece.length;
        const framed = options.chunked
          ? Buffer.concat([
              Buffer.from(`${piece.length.toString(16)}\r\n`),
              piece,
              Buffer.from('\r\n'),
            ])
          : piece;
        if (!socket.write(framed)) return void socket.once('drain', pump);
      }
      if (!answered && !socket.destroyed && options.chunked) socket.write('0\r\n\r\n');
    };
    pump();
  });
}

function statusOf(text: string): number {
  return Number(text.split(' ')[1]);
}

function bodyOf(text: string): Buffer {
  return Buffer.from(text.slice(text.indexOf('\r\n\r\n') + 4), 'latin1');
}

describe('request bodies', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let host: AudioHost;
  let http: Awaited<ReturnType<typeof listen>>;
  const welcome = makeWav({ seconds: 0.25 });

  beforeAll(async () => {
    temp = await makeTempDir('body');
    await writeFile(join(temp.dir, 'welcome.wav'), welcome);
    host = await createAudioHost({ root: temp.dir, publicUrl: 'http://127.0.0.1:1' });
    http = await listen(host.handle);
  });
  afterAll(async () => {
    await http.close();
    await host.close();
    await temp.remove();
  });

  it('answers a small body, chunked or declared, as usual', async () => {
    const chunked = await sendBody(
      http.port,
      'GET /welcome.wav HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n',
      { chunked: true, maxBody: 100, pieceBytes: 100 },
    );
    expect(statusOf(chunked.text)).toBe(200);
    expect(bodyOf(chunked.text).equals(welcome)).toBe(true);
    const declared = await sendBody(
      http.port,
      'GET /welcome.wav HTTP/1.1\r\nHost: a\r\nContent-Length: 16384\r\nConnection: close\r\n\r\n',
      { chunked: false, maxBody: 1 },
    );
    // 16 KiB is over the limit: refused as soon as the head is read.
    expect(statusOf(declared.text)).toBe(413);
    const tiny = await sendBody(
      http.port,
      'GET /welcome.wav HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\nConnection: close\r\n\r\n',
      { chunked: false, maxBody: 100, pieceBytes: 100 },
    );
    expect(statusOf(tiny.text)).toBe(200);
  });

  for (const chunked of [true, false]) {
    it(`answers an over-limit ${chunked ? 'chunked' : 'declared'} body with 413 and closes cleanly`, async () => {
      const framing = chunked ? 'Transfer-Encoding: chunked' : 'Content-Length: 67108864';
      const exchange = await sendBody(
        http.port,
        `GET /welcome.wav HTTP/1.1\r\nHost: a\r\n${framing}\r\n\r\n`,
        { chunked, maxBody: 64 * 1024 * 1024 },
      );
      expect(statusOf(exchange.text)).toBe(413);
      expect(exchange.text).toMatch(/\r\nConnection: close\r\n/i);
      expect(errorCodeOf(bodyOf(exchange.text))).toBe('BODY_TOO_LARGE');
      // A clean close: the server's FIN, no reset and no broken pipe on the client's side.
      expect(exchange.error).toBeUndefined();
      expect(exchange.ended).toBe(true);
      expect(exchange.sent).toBeLessThan(64 * 1024 * 1024);
      // The host stays up.
      expect((await fetch(`${http.origin}/welcome.wav`)).status).toBe(200);
    });
  }

  it('closes a connection whose client never stops sending', async () => {
    const exchange = await new Promise<{ closed: boolean; text: string }>((resolve) => {
      const socket = connect(http.port, '127.0.0.1');
      const piece = Buffer.concat([
        Buffer.from('4000\r\n'),
        Buffer.alloc(0x4000, 0x62),
        Buffer.from('\r\n'),
      ]);
      let text = '';
      const timer = setTimeout(() => {
        socket.destroy();
        resolve({ closed: false, text });
      }, 20_000);
      socket.on('data', (chunk) => (text += chunk.toString('latin1')));
      socket.on('error', () => {});
      socket.on('close', () => {
        clearTimeout(timer);
        resolve({ closed: true, text });
      });
      socket.write('GET /welcome.wav HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n');
      const pump = (): void => {
        while (!socket.destroyed) if (!socket.write(piece)) return void socket.once('drain', pump);
      };
      pump();
    });
    expect(exchange.closed).toBe(true);
    expect(statusOf(exchange.text)).toBe(413);
  });
});

// Test helpers: WAV bytes built here (no committed fixtures), a real HTTP server on 127.0.0.1:0 and
// a raw-socket client, because fetch and http.request normalise or reject the paths under attack.
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type RequestListener, type Server } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A PCM WAV: `sampleRate` Hz, `channels`, 16 bits, `seconds` long, a tone whose pitch is `seed`. */
export function makeWav(
  options: { sampleRate?: number; channels?: number; seconds?: number; seed?: number } = {},
): Buffer {
  const sampleRate = options.sampleRate ?? 8000;
  const channels = options.channels ?? 1;
  const frames = Math.round(sampleRate * (options.seconds ?? 1));
  const seed = options.seed ?? 440;
  const dataSize = frames * channels * 2;
  const buffer = Buffer.alloc(44 + dataSize);
  buffer.write('RIFF', 0, 'ascii');
  buffer.writeUInt32LE(36 + dataSize, 4);
  buffer.write('WAVE', 8, 'ascii');
  buffer.write('fmt ', 12, 'ascii');
  buffer.writeUInt32LE(16, 16);
  buffer.writeUInt16LE(1, 20);
  buffer.writeUInt16LE(channels, 22);
  buffer.writeUInt32LE(sampleRate, 24);
  buffer.writeUInt32LE(sampleRate * channels * 2, 28);
  buffer.writeUInt16LE(channels * 2, 32);
  buffer.writeUInt16LE(16, 34);
  buffer.write('data', 36, 'ascii');
  buffer.writeUInt32LE(dataSize, 40);
  for (let frame = 0; frame < frames; frame++) {
    const value = Math.round(8000 * Math.sin((2 * Math.PI * seed * frame) / sampleRate));
    for (let channel = 0; channel < channels; channel++)
      buffer.writeInt16LE(value, 44 + (frame * channels + channel) * 2);
  }
  return buffer;
}

/** A fresh folder under the OS temp dir, removed by the returned function. */
export async function makeTempDir(
  prefix: string,
): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), `siphook-audio-host-${prefix}-`));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Starts `listener` on 127.0.0.1, port 0. */
export async function listen(
  listener: RequestListener,
): Promise<{ server: Server; origin: string; port: number; close: () => Promise<void> }> {
  const server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    server,
    port,
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A response as read off the socket: status, lower-case headers and the raw body bytes. */
export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  /** The whole response, head and body, as latin1 text, for "nothing leaked" checks. */
  text: string;
}

/**
 * Sends one request with the target exactly as given (no normalisation) and reads the whole
 * response. `Connection: close` makes the server end the socket after it.
 */
export function rawRequest(
  port: number,
  target: string,
  options: { method?: string; headers?: Record<string, string> } = {},
): Promise<RawResponse> {
  const method = options.method ?? 'GET';
  const lines = [`${method} ${target} HTTP/1.1`, 'Host: 127.0.0.1', 'Connection: close'];
  for (const [name, value] of Object.entries(options.headers ?? {}))
    lines.push(`${name}: ${value}`);
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Uint8Array[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('end', () => {
      const all = Buffer.concat(chunks);
      const split = all.indexOf('\r\n\r\n');
      const head = all.subarray(0, split).toString('latin1').split('\r\n');
      const status = Number(head[0]!.split(' ')[1]);
      const headers: Record<string, string> = {};
      for (const line of head.slice(1)) {
        const colon = line.indexOf(':');
        headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
      }
      let body: Buffer = all.subarray(split + 4);
      if (headers['transfer-encoding'] === 'chunked') body = unchunk(body);
      resolve({ status, headers, body, text: all.toString('latin1') });
    });
    socket.write(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
  });
}

function unchunk(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset < body.length) {
    const lineEnd = body.indexOf('\r\n', offset);
    const size = Number.parseInt(body.subarray(offset, lineEnd).toString('latin1'), 16);
    if (size === 0) break;
    parts.push(body.subarray(lineEnd + 2, lineEnd + 2 + size));
    offset = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

/** The `error.code` of an error answer in siphook's one JSON shape; throws for any other body. */
export function errorCodeOf(body: Uint8Array): string {
  const parsed = JSON.parse(Buffer.from(body).toString('utf8')) as { error: { code: string } };
  return parsed.error.code;
}

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the test server received. */
export interface Received {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A route answers with a status, headers and body, after an optional delay. */
export interface Reply {
  status?: number;
  type?: string;
  body?: string | Buffer;
  delayMs?: number;
}

/** A loopback HTTP server for tests: routes by path, records every request. */
export interface TestServer {
  url: string;
  received: Received[];
  close(): Promise<void>;
}

/** Starts a server on 127.0.0.1, port 0, whose routes may use `base` (its own URL) in answers. */
export async function startTestServer(
  route: (request: Received, base: string) => Reply | undefined,
): Promise<TestServer> {
  const received: Received[] = [];
  let base = '';
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= 100_000) chunks.push(chunk);
    });
    req.on('end', () => {
      const request: Received = {
        method: req.method ?? '',
        path: req.url ?? '/',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      received.push(request);
      const reply = route(request, base) ?? { status: 404, type: 'text/plain', body: 'no route' };
      const send = () => {
        if (res.destroyed) return;
        res.writeHead(reply.status ?? 200, { 'content-type': reply.type ?? 'application/xml' });
        res.end(reply.body ?? '');
      };
      if (reply.delayMs) setTimeout(send, reply.delayMs).unref();
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    received,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** The fields of a form body, arrays (`user[]`) collected. */
export function formOf(body: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [key, value] of new URLSearchParams(body)) {
    if (key.endsWith('[]')) out[key] = [...((out[key] as string[] | undefined) ?? []), value];
    else out[key] = value;
  }
  return out;
}

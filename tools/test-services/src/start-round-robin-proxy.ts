import { createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the proxy passed on: method, path and the index of the target that answered it. */
export interface ProxiedRequest {
  method: string;
  path: string;
  target: number;
}

/** A running round-robin proxy. */
export interface RoundRobinProxy {
  /** `http://127.0.0.1:<port>`: give this to the clients. */
  readonly url: string;
  /** Every request answered so far, in order, with the target that answered it. */
  readonly log: readonly ProxiedRequest[];
  close(): Promise<void>;
}

/** Connection errors that mean the request never reached the target, so another may take it. */
const NOT_DELIVERED = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND']);

/**
 * A load balancer for tests, on 127.0.0.1 port 0: each request goes to the next target in turn
 * (`http://127.0.0.1:<port>` each), with one turn per method, so that prompt GETs between two
 * pushes do not change which instance the next push goes to. Like a real balancer with passive
 * health checks, a target that refuses the connection is skipped and the same request goes to the
 * next one, so a killed instance costs no push. The request body is buffered so that it can be
 * sent again. `targets` is read on every request: fill it in once the instances know their ports
 * (they need the proxy's URL as their public URL first).
 */
export async function startRoundRobinProxy(targets: readonly string[]): Promise<RoundRobinProxy> {
  const log: ProxiedRequest[] = [];
  const turns = new Map<string, number>();

  const forward = (
    incoming: IncomingMessage,
    body: Buffer,
    reply: ServerResponse,
    attempt: number,
    first?: number,
  ): void => {
    const method = incoming.method ?? 'GET';
    if (targets.length === 0) {
      reply.writeHead(502).end('proxy: no targets yet');
      return;
    }
    // The turn picks the first target; a retry takes the one after the target that failed.
    let index: number;
    if (first === undefined) {
      index = (turns.get(method) ?? 0) % targets.length;
      turns.set(method, index + 1);
    } else index = (first + attempt - 1) % targets.length;
    const target = new URL(incoming.url ?? '/', targets[index]);
    const headers = {
      ...incoming.headers,
      host: target.host,
      'content-length': String(body.length),
    };
    // agent: false, so a killed target never leaves a pooled socket behind.
    const outgoing = request(target, { method, headers, agent: false }, (answer) => {
      log.push({ method, path: incoming.url ?? '/', target: index });
      reply.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(reply);
    });
    outgoing.on('error', (error: NodeJS.ErrnoException) => {
      if (NOT_DELIVERED.has(error.code ?? '') && attempt < targets.length && !reply.headersSent)
        forward(incoming, body, reply, attempt + 1, first ?? index);
      else if (!reply.headersSent)
        reply.writeHead(502).end(`proxy: ${error.code} ${error.message}`);
      else reply.destroy(error);
    });
    outgoing.end(body);
  };

  const server = createServer((incoming, reply) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => forward(incoming, Buffer.concat(chunks), reply, 1));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    log,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

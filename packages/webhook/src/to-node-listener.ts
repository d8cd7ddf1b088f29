import type { IncomingMessage, ServerResponse } from 'node:http';
import type { WebhookHandler } from './create-webhook-handler.js';
import { createNodeRequest } from './node-request.js';

/** A node:http request listener. */
export type NodeListener = (request: IncomingMessage, response: ServerResponse) => void;

/**
 * After an answer given before the body was read (405, 413), the rest of the body is read and
 * dropped (never stored) up to this many bytes, so the client gets to read the answer instead of
 * a connection reset; past it, or when it is declared larger, the connection is closed.
 */
const DRAIN_LIMIT = 4 * 1024 * 1024;
const DIGITS_ONLY = /^\d+$/;
const UTF8_TEXT = /;\s*charset="?utf-8"?\s*(?:;|$)/i;

/**
 * Adapts a webhook handler (or any fetch handler) to node:http: the request becomes a fetch
 * `Request`, the socket address becomes `info.remoteAddress`, and the `Response` is written back.
 * Nothing else: the handler decides every answer, the body limit included.
 *
 * @example
 * import { createServer } from 'node:http';
 * createServer(toNodeListener(createWebhookHandler({ onNewCall: () => ({ actions: [{ action: 'Hangup' }] }) }))).listen(3000);
 */
export function toNodeListener(handler: WebhookHandler): NodeListener {
  return (request, response) => serveNodeRequest(handler, request, response);
}

/**
 * Runs one node:http request through a fetch handler and writes its answer. `preread` is a body a
 * framework has already read (Express with `express.raw()`, Fastify).
 */
export function serveNodeRequest(
  handler: WebhookHandler,
  request: IncomingMessage,
  response: ServerResponse,
  preread?: Uint8Array,
): void {
  // The handler never rejects; a fetch handler that does, or an answer that cannot be read,
  // leaves nothing to send but a bare 500.
  const fail = (): void => {
    if (response.headersSent) response.destroy();
    else {
      response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      response.end('internal error\n');
    }
  };
  // Plain `then` callbacks that return nothing: a callback returning a promise would cost two
  // more microtask turns per push for the promise to be adopted.
  handler(createNodeRequest(request, preread), { remoteAddress: request.socket.remoteAddress })
    .then((answer) => {
      bodyOf(answer)
        .then((body) => writeResponse(answer, body, request, response))
        .catch(fail);
    })
    .catch(fail);
}

/**
 * A UTF-8 text body is read as a string, so node:http sends head and body as one string instead
 * of a writev of two chunks. Either way only text() or arrayBuffer() is read, never `body`, so a
 * Response from the core is written without a stream.
 */
function bodyOf(answer: Response): Promise<string | Uint8Array> {
  return UTF8_TEXT.test(answer.headers.get('content-type') ?? '')
    ? answer.text()
    : answer.arrayBuffer().then((buffer) => new Uint8Array(buffer));
}

function writeResponse(
  answer: Response,
  body: string | Uint8Array,
  request: IncomingMessage,
  response: ServerResponse,
): void {
  if (response.headersSent || response.destroyed) return;
  const headers: string[] = [];
  answer.headers.forEach((value, name) => {
    headers.push(name, value);
  });
  const length = typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
  headers.push('content-length', String(length));
  // A body still on its way is dropped here; one the parser already has, node:http drops itself.
  if (!request.complete) dropBody(request, response);
  response.writeHead(answer.status, headers);
  response.end(body);
}

/**
 * Drops what is left of a body the handler did not read: up to {@link DRAIN_LIMIT}, so that the
 * connection can be reused; a larger one (declared, or found while dropping) closes it.
 */
function dropBody(request: IncomingMessage, response: ServerResponse): void {
  const declared = request.headers['content-length'];
  if (declared !== undefined && DIGITS_ONLY.test(declared) && Number(declared) > DRAIN_LIMIT) {
    response.shouldKeepAlive = false;
  }
  let dropped = 0;
  request.on('data', (chunk: Buffer) => {
    dropped += chunk.length;
    if (dropped > DRAIN_LIMIT) request.socket.destroy();
  });
  request.on('error', () => {});
  request.resume();
}

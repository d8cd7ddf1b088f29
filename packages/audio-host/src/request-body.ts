import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { BODY_TOO_LARGE, MAX_REQUEST_BODY_BYTES } from './error-replies.js';

/** How long a refused connection keeps reading what the client still sends, as nginx lingers. */
const LINGER_MS = 2000;
/**
 * How many bytes it reads (and drops) in that time before it gives up and closes hard. Loopback
 * and fast links carry many MiB between the answer leaving and a busy client reading it, so a
 * smaller allowance resets well-behaved clients (EPIPE) on a loaded machine; the time bound is
 * what holds a hostile one.
 */
const LINGER_BYTES = 16 * 1024 * 1024;
const LINGER_POLL_MS = 50;

/** True when the request announces a body: a chunked one, or a Content-Length other than 0. */
export function hasRequestBody(headers: IncomingMessage['headers']): boolean {
  const length = headers['content-length'];
  return headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * Bounds the body of a request for a prompt, which has no use for one. A declared length up to
 * {@link MAX_REQUEST_BODY_BYTES} goes on at once (node:http drops those bytes after the answer);
 * a chunked body is read and dropped first and goes on when it ends within the limit. Anything
 * larger gets 413 with `Connection: close`, and the connection closes cleanly: see
 * {@link lingerClose}. A body a framework has already read goes on as it is.
 */
export function boundRequestBody(
  req: IncomingMessage,
  res: ServerResponse,
  proceed: () => void,
  onRefused: () => void,
): void {
  if (req.complete || req.readableEnded) {
    proceed();
    return;
  }
  const length = req.headers['content-length'];
  if (req.headers['transfer-encoding'] === undefined && length !== undefined) {
    if (Number(length) <= MAX_REQUEST_BODY_BYTES) proceed();
    else refuse(req, res, onRefused);
    return;
  }
  let received = 0;
  const onData = (chunk: Buffer): void => {
    received += chunk.length;
    if (received <= MAX_REQUEST_BODY_BYTES) return;
    req.off('data', onData);
    req.off('end', onEnd);
    refuse(req, res, onRefused);
  };
  const onEnd = (): void => {
    req.off('data', onData);
    proceed();
  };
  req.on('data', onData);
  req.on('end', onEnd);
  req.on('error', () => {});
}

function refuse(req: IncomingMessage, res: ServerResponse, onRefused: () => void): void {
  onRefused();
  lingerClose(req.socket);
  // The rest of the body keeps flowing into nowhere while the connection lingers.
  req.resume();
  res.writeHead(BODY_TOO_LARGE.status, { ...BODY_TOO_LARGE.headers, Connection: 'close' });
  res.end(req.method === 'HEAD' ? undefined : BODY_TOO_LARGE.body);
}

/**
 * Closes a connection after its answer the way nginx's lingering close does. node:http destroys
 * the socket once a `Connection: close` answer is written; with request bytes still arriving,
 * the kernel then answers them with a reset, and the client may lose the 413 it has not read
 * yet. Instead: send FIN after the answer, keep reading and dropping what still arrives until
 * the client closes its side, for at most {@link LINGER_MS} and {@link LINGER_BYTES}, then close.
 */
function lingerClose(socket: Socket): void {
  // node:http calls destroySoon() after the answer of a connection it will not keep alive.
  socket.destroySoon = function lingerThenClose(this: Socket): void {
    this.end();
    // Closing once the answer is handed to the kernel loses nothing when nothing more arrives.
    const closeWhenWritten = (): void => {
      if (this.writableFinished) this.destroy();
      else this.once('finish', () => this.destroy());
    };
    if (this.readableEnded) {
      closeWhenWritten();
      return;
    }
    const start = this.bytesRead;
    const poll = setInterval(() => {
      if (this.bytesRead - start > LINGER_BYTES) this.destroy();
    }, LINGER_POLL_MS);
    const deadline = setTimeout(() => this.destroy(), LINGER_MS);
    poll.unref();
    deadline.unref();
    this.once('end', closeWhenWritten);
    this.once('close', () => {
      clearInterval(poll);
      clearTimeout(deadline);
    });
  };
}

import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipelineOf, type WebhookHandler } from './create-webhook-handler.js';
import { BODY_INCOMPLETE, bodyTooLarge, INTERNAL_ERROR, type PushReply } from './http-replies.js';
import type { PushPipeline, PushRequest } from './push-pipeline.js';

/** A node:http request listener. */
export type NodeListener = (request: IncomingMessage, response: ServerResponse) => void;

/** Options of {@link toNodeListener}. */
export interface NodeListenerOptions {
  /**
   * Body limit for handlers not made by `createWebhookHandler` (those bring their own
   * `maxBodyBytes`). Default 65536.
   */
  maxBodyBytes?: number;
}

const TOO_LARGE: unique symbol = Symbol('too large');
const INCOMPLETE: unique symbol = Symbol('incomplete');
const EMPTY = Buffer.alloc(0);
/**
 * After a 413 the rest of the body is read and dropped (never stored) up to this many bytes, so
 * the client gets to read the answer instead of a connection reset; past it the socket is closed.
 */
const DRAIN_LIMIT = 4 * 1024 * 1024;
const DIGITS_ONLY = /^\d+$/;

/**
 * Adapts a webhook handler to node:http. The body is read here with the size bound (413 as soon as
 * it is over, checked on Content-Length first), and the socket address is passed on for the
 * allow-list. A handler from {@link createWebhookHandler} runs without building fetch objects.
 *
 * @example
 * import { createServer } from 'node:http';
 * createServer(toNodeListener(createWebhookHandler({ onNewCall: () => ({ actions: [{ action: 'Hangup' }] }) }))).listen(3000);
 */
export function toNodeListener(
  handler: WebhookHandler,
  options: NodeListenerOptions = {},
): NodeListener {
  const pipeline = pipelineOf(handler);
  if (pipeline === undefined) return fetchListener(handler, options.maxBodyBytes ?? 65536);
  return (request, response) => servePush(pipeline, request, response, undefined);
}

/**
 * Runs one node:http request through the pipeline. `preread` is a body a framework has already
 * read (Express with `express.raw()`); otherwise it is read from the request stream.
 */
export function servePush(
  pipeline: PushPipeline,
  request: IncomingMessage,
  response: ServerResponse,
  preread: Uint8Array | undefined,
): void {
  const startedAt = performance.now();
  const headers = request.headers;
  const remoteAddress = request.socket.remoteAddress;
  const early = pipeline.precheck(request.method, headers['content-length']);
  if (early !== undefined) {
    refuse(request, response, early);
    pipeline.logReply(early, startedAt, remoteAddress);
    return;
  }
  const proceed = (body: Uint8Array): void => {
    const push = toPushRequest(pipeline, request, body);
    const reply = pipeline.handle(push, startedAt);
    if (!(reply instanceof Promise)) send(response, reply);
    else {
      reply.then(
        (settled) => send(response, settled),
        (error: unknown) => {
          pipeline.logger.error({ err: error }, 'webhook pipeline failed');
          send(response, INTERNAL_ERROR);
        },
      );
    }
  };
  if (preread !== undefined) {
    if (preread.byteLength > pipeline.maxBodyBytes) {
      send(response, pipeline.tooLarge);
      pipeline.logReply(pipeline.tooLarge, startedAt, remoteAddress);
    } else proceed(preread);
    return;
  }
  readNodeBody(request, pipeline.maxBodyBytes, (body) => {
    if (body === TOO_LARGE) {
      refuse(request, response, pipeline.tooLarge);
      pipeline.logReply(pipeline.tooLarge, startedAt, remoteAddress);
    } else if (body === INCOMPLETE) {
      // The client went away mid-body: nobody is left to answer, only to log.
      pipeline.logReply(BODY_INCOMPLETE, startedAt, remoteAddress);
      send(response, BODY_INCOMPLETE);
    } else proceed(body);
  });
}

/** The pipeline's view of a node:http request whose body has been read. */
export function toPushRequest(
  pipeline: PushPipeline,
  request: IncomingMessage,
  body: Uint8Array,
): PushRequest {
  const headers = request.headers;
  const push: PushRequest = {
    contentType: headers['content-type'],
    authorization: headers.authorization,
    signature: single(headers['x-sipgate-signature']),
    forwardedFor: single(headers['x-forwarded-for']),
    remoteAddress: request.socket.remoteAddress,
    body,
  };
  if (pipeline.derivesUrls) {
    push.host = headers.host;
    push.forwardedHost = single(headers['x-forwarded-host']);
    push.forwardedProto = single(headers['x-forwarded-proto']);
    push.protocol = (request.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http';
    // Express strips its mount path from `url`; callbacks must go back through it.
    const url = (request as { originalUrl?: string }).originalUrl ?? request.url ?? '/';
    const query = url.indexOf('?');
    push.path = query === -1 ? url : url.slice(0, query);
  }
  return push;
}

/** Collects a request body up to `maxBytes`; calls back once, with the bytes or why not. */
function readNodeBody(
  request: IncomingMessage,
  maxBytes: number,
  done: (body: Buffer | typeof TOO_LARGE | typeof INCOMPLETE) => void,
): void {
  let first: Buffer | undefined;
  let chunks: Buffer[] | undefined;
  let size = 0;
  let finished = false;
  const finish = (result: Buffer | typeof TOO_LARGE | typeof INCOMPLETE): void => {
    // The listeners stay attached (removing them costs more than this check): once finished,
    // late events do nothing, and data past the limit is never kept (`size` stays over it).
    if (finished) return;
    finished = true;
    done(result);
  };
  const onData = (chunk: Buffer): void => {
    size += chunk.length;
    if (size > maxBytes) finish(TOO_LARGE);
    else if (first === undefined) first = chunk;
    else {
      chunks ??= [first];
      chunks.push(chunk);
    }
  };
  const onEnd = (): void => finish(chunks ? Buffer.concat(chunks, size) : (first ?? EMPTY));
  const onClose = (): void => finish(INCOMPLETE);
  // Stays attached after finishing: a late 'aborted' error must never go unhandled.
  const onError = (): void => finish(INCOMPLETE);
  request.on('data', onData);
  request.on('end', onEnd);
  request.on('close', onClose);
  request.on('error', onError);
}

/** Answers early (405, 413) and drops the rest of the body, up to {@link DRAIN_LIMIT}. */
function refuse(request: IncomingMessage, response: ServerResponse, reply: PushReply): void {
  const declared = request.headers['content-length'];
  if (declared !== undefined && DIGITS_ONLY.test(declared) && Number(declared) > DRAIN_LIMIT) {
    response.shouldKeepAlive = false;
  }
  send(response, reply);
  if (request.complete) return;
  let drained = 0;
  request.on('data', (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > DRAIN_LIMIT) request.socket.destroy();
  });
  request.on('error', () => {});
  request.resume();
}

function send(response: ServerResponse, reply: PushReply): void {
  if (response.headersSent || response.destroyed) return;
  response.writeHead(reply.status, reply.headers as string[]);
  response.end(reply.body);
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

/** node:http around any fetch handler (one not made by createWebhookHandler). */
function fetchListener(handler: WebhookHandler, maxBodyBytes: number): NodeListener {
  const tooLarge = bodyTooLarge(maxBodyBytes);
  return (request, response) => {
    const method = request.method ?? 'GET';
    const declared = request.headers['content-length'];
    if (declared !== undefined && DIGITS_ONLY.test(declared) && Number(declared) > maxBodyBytes) {
      refuse(request, response, tooLarge);
      return;
    }
    readNodeBody(request, maxBodyBytes, (body) => {
      if (body === TOO_LARGE) {
        refuse(request, response, tooLarge);
        return;
      }
      if (body === INCOMPLETE) {
        send(response, BODY_INCOMPLETE);
        return;
      }
      const headers = new Headers();
      for (let i = 0; i < request.rawHeaders.length; i += 2) {
        headers.append(request.rawHeaders[i]!, request.rawHeaders[i + 1]!);
      }
      const hasBody = method !== 'GET' && method !== 'HEAD';
      const fetchRequest = new Request(
        `http://${request.headers.host ?? 'localhost'}${request.url ?? '/'}`,
        {
          method,
          headers,
          body: hasBody ? body : undefined,
        },
      );
      handler(fetchRequest, { remoteAddress: request.socket.remoteAddress })
        .then(async (fetchResponse) => {
          const bytes = Buffer.from(await fetchResponse.arrayBuffer());
          const raw: string[] = [];
          fetchResponse.headers.forEach((value, name) => {
            raw.push(name, value);
          });
          response.writeHead(fetchResponse.status, raw);
          response.end(bytes);
        })
        .catch(() => send(response, INTERNAL_ERROR));
    });
  };
}

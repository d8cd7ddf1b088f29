import type { IncomingMessage } from 'node:http';
import { pipelineOf, type WebhookHandler } from './create-webhook-handler.js';
import {
  bodyTooLarge,
  errorReply,
  type PushReply,
  UNSUPPORTED_MEDIA_TYPE,
} from './http-replies.js';
import type { PushPipeline } from './push-pipeline.js';
import { toPushRequest } from './to-node-listener.js';

/** The parts of a Fastify request the plugin reads. */
export interface FastifyRequestLike {
  raw: IncomingMessage;
  body?: unknown;
}

/** The parts of a Fastify reply the plugin writes. */
export interface FastifyReplyLike {
  code(status: number): FastifyReplyLike;
  header(name: string, value: string): FastifyReplyLike;
  send(payload?: unknown): FastifyReplyLike;
}

/** The parts of a Fastify instance the plugin uses (kept structural so Fastify stays optional). */
export interface FastifyInstanceLike {
  removeAllContentTypeParsers(): void;
  addContentTypeParser(
    contentType: string,
    options: { parseAs: 'buffer'; bodyLimit: number },
    parser: (
      request: never,
      body: Buffer,
      done: (error: Error | null, body?: Buffer) => void,
    ) => void,
  ): void;
  setErrorHandler(
    handler: (
      error: { statusCode?: number; code?: string },
      request: FastifyRequestLike,
      reply: FastifyReplyLike,
    ) => unknown,
  ): unknown;
  all(
    path: string,
    handler: (request: FastifyRequestLike, reply: FastifyReplyLike) => Promise<unknown>,
  ): unknown;
}

/** A Fastify plugin (callback style), for `app.register(plugin, { prefix })`. */
export type FastifyWebhookPlugin = (
  instance: FastifyInstanceLike,
  options: unknown,
  done: (error?: Error) => void,
) => void;

const EMPTY = Buffer.alloc(0);

/**
 * Adapts a webhook handler to Fastify (5). In its own encapsulated context the plugin takes every
 * content type as a raw Buffer (the signature covers the exact bytes), bounded by the handler's
 * `maxBodyBytes`, and answers every method on `/` and `/*` under the prefix it is registered with.
 *
 * @example
 * app.register(fastifyPlugin(createWebhookHandler({ onNewCall })), { prefix: '/sipgate' });
 */
export function fastifyPlugin(handler: WebhookHandler): FastifyWebhookPlugin {
  const pipeline = pipelineOf(handler);
  const route = pipeline === undefined ? fetchRoute(handler) : pipelineRoute(pipeline);
  const maxBodyBytes = pipeline?.maxBodyBytes ?? 65536;
  const tooLarge = pipeline?.tooLarge ?? bodyTooLarge(maxBodyBytes);
  return (instance, _options, done) => {
    instance.removeAllContentTypeParsers();
    instance.addContentTypeParser(
      '*',
      { parseAs: 'buffer', bodyLimit: maxBodyBytes },
      (_request, body, parsed) => parsed(null, body),
    );
    instance.setErrorHandler((error, _request, reply) => {
      // Fastify's own body checks fail before the route runs; answer them like the handler does.
      if (error.statusCode === 413) return sendReply(reply, tooLarge);
      if (error.statusCode === 415) return sendReply(reply, UNSUPPORTED_MEDIA_TYPE);
      const status =
        error.statusCode !== undefined && error.statusCode < 500 ? error.statusCode : 500;
      return sendReply(
        reply,
        errorReply(status, error.code ?? 'REQUEST_INVALID', 'the request could not be read'),
      );
    });
    instance.all('/', route);
    instance.all('/*', route);
    done();
  };
}

function pipelineRoute(
  pipeline: PushPipeline,
): (request: FastifyRequestLike, reply: FastifyReplyLike) => Promise<unknown> {
  return async (request, reply) => {
    const startedAt = performance.now();
    const raw = request.raw;
    const early = pipeline.precheck(raw.method, raw.headers['content-length']);
    if (early !== undefined) {
      pipeline.logReply(early, startedAt, raw.socket.remoteAddress);
      return sendReply(reply, early);
    }
    const body = request.body instanceof Uint8Array ? request.body : EMPTY;
    return sendReply(reply, await pipeline.handle(toPushRequest(pipeline, raw, body), startedAt));
  };
}

function fetchRoute(
  handler: WebhookHandler,
): (request: FastifyRequestLike, reply: FastifyReplyLike) => Promise<unknown> {
  return async (request, reply) => {
    const raw = request.raw;
    const headers = new Headers();
    for (let i = 0; i < raw.rawHeaders.length; i += 2) {
      headers.append(raw.rawHeaders[i]!, raw.rawHeaders[i + 1]!);
    }
    const method = raw.method ?? 'GET';
    const body = request.body instanceof Uint8Array ? request.body : undefined;
    const response = await handler(
      new Request(`http://${raw.headers.host ?? 'localhost'}${raw.url ?? '/'}`, {
        method,
        headers,
        body: method === 'GET' || method === 'HEAD' ? undefined : body,
      }),
      { remoteAddress: raw.socket.remoteAddress },
    );
    reply.code(response.status);
    response.headers.forEach((value, name) => {
      reply.header(name, value);
    });
    return reply.send(Buffer.from(await response.arrayBuffer()));
  };
}

function sendReply(reply: FastifyReplyLike, pushReply: PushReply): FastifyReplyLike {
  reply.code(pushReply.status);
  for (let i = 0; i < pushReply.headers.length; i += 2) {
    reply.header(pushReply.headers[i]!, pushReply.headers[i + 1]!);
  }
  return reply.send(pushReply.body);
}

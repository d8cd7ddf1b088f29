import type { IncomingMessage, ServerResponse } from 'node:http';
import { errorBody } from '@siphook/schema';
import type { WebhookHandler } from './create-webhook-handler.js';
import { serveNodeRequest } from './to-node-listener.js';

/** The parts of a Fastify request the plugin reads. */
export interface FastifyRequestLike {
  raw: IncomingMessage;
}

/** The parts of a Fastify reply the plugin writes. */
export interface FastifyReplyLike {
  raw: ServerResponse;
  hijack(): unknown;
  code(status: number): FastifyReplyLike;
  header(name: string, value: string): FastifyReplyLike;
  send(payload?: unknown): FastifyReplyLike;
}

/** The parts of a Fastify instance the plugin uses (kept structural so Fastify stays optional). */
export interface FastifyInstanceLike {
  removeAllContentTypeParsers(): void;
  addContentTypeParser(
    contentType: string,
    options: { bodyLimit?: number },
    parser: (request: never, payload: never, done: (error: Error | null) => void) => void,
  ): void;
  setErrorHandler(
    handler: (
      error: { statusCode?: number; code?: string; message?: string },
      request: FastifyRequestLike,
      reply: FastifyReplyLike,
    ) => unknown,
  ): unknown;
  all(
    path: string,
    handler: (request: FastifyRequestLike, reply: FastifyReplyLike) => unknown,
  ): unknown;
}

/** A Fastify plugin (callback style), for `app.register(plugin, { prefix })`. */
export type FastifyWebhookPlugin = (
  instance: FastifyInstanceLike,
  options: unknown,
  done: (error?: Error) => void,
) => void;

/**
 * Adapts a webhook handler to Fastify (5), as {@link toNodeListener} does to node:http. In its own
 * encapsulated context the plugin leaves every body unread for the handler (which bounds it and
 * needs the exact bytes for the signature), and answers every method on `/` and `/*` under the
 * prefix it is registered with, writing to the raw response (`reply.hijack()`).
 *
 * @example
 * app.register(fastifyPlugin(createWebhookHandler({ onNewCall })), { prefix: '/sipgate' });
 */
export function fastifyPlugin(handler: WebhookHandler): FastifyWebhookPlugin {
  const route = (request: FastifyRequestLike, reply: FastifyReplyLike): void => {
    reply.hijack();
    serveNodeRequest(handler, request.raw, reply.raw);
  };
  return (instance, _options, done) => {
    instance.removeAllContentTypeParsers();
    // Any content type is the handler's to judge; the body stays in the socket for it.
    instance.addContentTypeParser('*', {}, (_request, _payload, parsed) => parsed(null));
    instance.setErrorHandler((error, _request, reply) => {
      // Fastify's own checks fail before the route runs; answer them in the webhook's JSON shape.
      const status =
        error.statusCode !== undefined && error.statusCode < 500 ? error.statusCode : 500;
      const body = errorBody({
        code: status === 500 ? 'INTERNAL_ERROR' : 'REQUEST_INVALID',
        message: `the request could not be read (${String(error.code ?? 'unknown')})`,
      });
      return reply
        .code(status)
        .header('content-type', 'application/json; charset=utf-8')
        .send(body);
    });
    instance.all('/', route);
    instance.all('/*', route);
    done();
  };
}

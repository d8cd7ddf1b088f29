import type { IncomingMessage, ServerResponse } from 'node:http';
import { SiphookError } from '@siphook/schema';
import type { WebhookHandler } from './create-webhook-handler.js';
import { serveNodeRequest } from './to-node-listener.js';

const FORM_TYPE = /^\s*application\/x-www-form-urlencoded\s*(?:;|$)/i;
const EMPTY = new Uint8Array(0);

/** An Express (4 or 5) middleware, typed with node:http types so Express stays optional. */
export type ExpressMiddleware = (
  request: IncomingMessage & { body?: unknown },
  response: ServerResponse,
  next: (error?: unknown) => void,
) => void;

/**
 * Adapts a webhook handler to Express, as {@link toNodeListener} does to node:http. Mount it
 * before any body parser (it reads the raw body itself, which the signature needs), or after
 * `express.raw({ type: '*\/*' })`. The handler answers every request that reaches it, so mount it
 * on its own path.
 *
 * @example
 * app.use('/sipgate', expressMiddleware(createWebhookHandler({ publicUrl: 'https://example.com/sipgate', onNewCall })));
 */
export function expressMiddleware(handler: WebhookHandler): ExpressMiddleware {
  return (request, response, next) => {
    const body = request.body;
    let preread: Uint8Array | undefined;
    if (body instanceof Uint8Array) preread = body;
    else if (typeof body === 'string') preread = new TextEncoder().encode(body);
    else if (request.readableEnded || (request as { _body?: boolean })._body === true) {
      // An app-wide JSON (or other) parser ate a body that is not a form: the content type alone
      // decides it, so it gets 415 as any other wrong push instead of a server error.
      if (!FORM_TYPE.test(request.headers['content-type'] ?? '')) preread = EMPTY;
      else {
        // A parser turned the body into an object: the exact bytes the signature covers are gone.
        next(
          new SiphookError(
            'WEBHOOK_BODY_CONSUMED',
            'request body: expected the raw bytes (mount expressMiddleware before body parsers, or after express.raw()); received a body another middleware already parsed',
          ),
        );
        return;
      }
    }
    serveNodeRequest(handler, request, response, preread);
  };
}

import { BODY_INCOMPLETE, type PushReply } from './http-replies.js';
import { createPushPipeline, type PushPipeline, type PushRequest } from './push-pipeline.js';
import type { WebhookOptions } from './webhook-options.js';

/** Connection facts a fetch `Request` does not carry. */
export interface RequestInfo {
  /** The socket's peer address; needed for `allowList`. */
  remoteAddress?: string;
}

/**
 * A fetch-style webhook handler: `Request` in, `Response` out; never rejects. Works in any server
 * that speaks fetch (Hono, Bun, Deno, `srvx`), and in node:http through {@link toNodeListener}.
 */
export type WebhookHandler = (request: Request, info?: RequestInfo) => Promise<Response>;

/** Where adapters find the pipeline behind a handler, to skip building Request and Response. */
export const PIPELINE: unique symbol = Symbol.for('siphook.webhook.pipeline');

/** A handler made by {@link createWebhookHandler}: it carries its pipeline for the adapters. */
type HandlerWithPipeline = WebhookHandler & { [PIPELINE]?: PushPipeline };

/**
 * Creates the webhook handler: POST only (405) → body within `maxBodyBytes` (413) → form content
 * type (415) → allow-list (403), Basic auth (401), `X-Sipgate-Signature` (401) → `decodeEvent`
 * (400, JSON listing the issues) → your handler → XML (`application/xml; charset=utf-8`).
 *
 * @throws {SiphookError} `OPTIONS_INVALID` for an option that cannot work (a bad key,
 *   `publicUrl`, allow-list entry, limit, or an invalid fallback).
 * @example
 * const handler = createWebhookHandler({
 *   publicUrl: 'https://hooks.example.com/sipgate',
 *   onNewCall: (event) => ({ actions: [{ action: 'Gather', maxDigits: 1 }] }),
 *   onDtmf: (event) => (event.dtmf === '1' ? { actions: [{ action: 'Dial', target: { numbers: ['4915799912345'] } }] } : { actions: [{ action: 'Hangup' }] }),
 * });
 * http.createServer(toNodeListener(handler)).listen(3000);
 */
export function createWebhookHandler(options: WebhookOptions): WebhookHandler {
  const pipeline = createPushPipeline(options);
  const handler: HandlerWithPipeline = async (request, info) => {
    const startedAt = performance.now();
    const remoteAddress = info?.remoteAddress;
    const early = pipeline.precheck(
      request.method,
      request.headers.get('content-length') ?? undefined,
    );
    if (early !== undefined) {
      request.body?.cancel().catch(() => {});
      pipeline.logReply(early, startedAt, remoteAddress);
      return toResponse(early);
    }
    const body = await readBody(request, pipeline.maxBodyBytes);
    if (typeof body === 'string') {
      const reply = body === 'too large' ? pipeline.tooLarge : BODY_INCOMPLETE;
      pipeline.logReply(reply, startedAt, remoteAddress);
      return toResponse(reply);
    }
    const headers = request.headers;
    const push: PushRequest = {
      contentType: headers.get('content-type') ?? undefined,
      authorization: headers.get('authorization') ?? undefined,
      signature: headers.get('x-sipgate-signature') ?? undefined,
      forwardedFor: headers.get('x-forwarded-for') ?? undefined,
      remoteAddress,
      body,
    };
    if (pipeline.derivesUrls) {
      const url = new URL(request.url);
      push.host = headers.get('host') ?? url.host;
      push.forwardedHost = headers.get('x-forwarded-host') ?? undefined;
      push.forwardedProto = headers.get('x-forwarded-proto') ?? undefined;
      push.protocol = url.protocol === 'https:' ? 'https' : 'http';
      push.path = url.pathname;
    }
    return toResponse(await pipeline.handle(push, startedAt));
  };
  handler[PIPELINE] = pipeline;
  return handler;
}

/** The pipeline behind a handler made here, or undefined for any other fetch handler. */
export function pipelineOf(handler: WebhookHandler): PushPipeline | undefined {
  return (handler as HandlerWithPipeline)[PIPELINE];
}

/** Turns a reply into a fetch Response. */
export function toResponse(reply: PushReply): Response {
  const headers = new Headers();
  for (let i = 0; i < reply.headers.length; i += 2) {
    headers.append(reply.headers[i]!, reply.headers[i + 1]!);
  }
  return new Response(reply.body, { status: reply.status, headers });
}

/** Reads a fetch body up to `maxBytes`; stops and cancels the stream as soon as it is over. */
async function readBody(
  request: Request,
  maxBytes: number,
): Promise<Uint8Array | 'too large' | 'incomplete'> {
  if (request.body === null) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        reader.cancel().catch(() => {});
        return 'too large';
      }
      chunks.push(value);
    }
  } catch {
    return 'incomplete';
  }
  if (chunks.length === 1) return chunks[0]!;
  return Buffer.concat(chunks, size);
}

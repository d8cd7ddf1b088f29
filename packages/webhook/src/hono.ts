import type { RequestInfo, WebhookHandler } from './create-webhook-handler.js';

/** The parts of a Hono context the helper reads (kept structural so Hono stays optional). */
export interface HonoContextLike {
  req: { raw: Request };
  env?: unknown;
}

/**
 * A Hono route for the webhook handler, with the caller's address filled in, which the
 * `allowList` needs (without it every push is refused). Hono does not carry the address in the
 * Request; each runtime puts it somewhere else, all read by {@link remoteAddressOf}.
 *
 * @example
 * import { honoWebhook } from '@siphook/webhook/hono';
 * app.post('/sipgate/*', honoWebhook(handler));
 */
export function honoWebhook(handler: WebhookHandler): (c: HonoContextLike) => Promise<Response> {
  return (c) => handler(c.req.raw, infoOf(c));
}

/**
 * The caller's address as the runtime under Hono reports it: Node (`@hono/node-server`: the
 * socket), Bun (`server.requestIP`), Deno (`info.remoteAddr`), Cloudflare Workers
 * (`CF-Connecting-IP`, believed only on a request Cloudflare's runtime marked with `cf`).
 * `undefined` where none is known.
 */
export function remoteAddressOf(c: HonoContextLike): string | undefined {
  const env = c.env as Record<string, unknown> | undefined;
  const incoming = env?.incoming as { socket?: { remoteAddress?: string } } | undefined;
  if (incoming?.socket?.remoteAddress !== undefined) return incoming.socket.remoteAddress;
  const requestIP = env?.requestIP;
  if (typeof requestIP === 'function') {
    const address = (requestIP.call(env, c.req.raw) as { address?: string } | null)?.address;
    if (address !== undefined) return address;
  }
  const remoteAddr = env?.remoteAddr as { hostname?: string } | undefined;
  if (typeof remoteAddr?.hostname === 'string') return remoteAddr.hostname;
  if ((c.req.raw as { cf?: unknown }).cf !== undefined) {
    return c.req.raw.headers.get('cf-connecting-ip') ?? undefined;
  }
  return undefined;
}

function infoOf(c: HonoContextLike): RequestInfo {
  const remoteAddress = remoteAddressOf(c);
  return remoteAddress === undefined ? {} : { remoteAddress };
}

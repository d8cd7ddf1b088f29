import { errorBody, SiphookError } from '@siphook/schema';
import type { WebhookHandler } from '@siphook/webhook';
import { createMenuHandler, readMenuSettings } from './menu.js';

/** The Worker's bindings: plain text vars (`wrangler.toml` [vars] or workerd `fromEnvironment`). */
type Env = Record<string, string | null | undefined>;

// Made on the first request: a Worker sees its bindings only there, and workerd allows no
// timers or I/O at the top level of a module.
let handler: WebhookHandler | undefined;
const JSON_TYPE = { 'content-type': 'application/json; charset=utf-8' };

/** A Cloudflare module worker (workerd, wrangler). */
export default {
  fetch(request: Request, env: Env): Promise<Response> {
    try {
      handler ??= createMenuHandler(readMenuSettings((name) => env[name] ?? undefined));
    } catch (error) {
      // A Worker cannot exit: a setting that cannot work answers every request with its reason.
      if (!(error instanceof SiphookError)) throw error;
      console.error(`menu settings: ${error.message}`);
      return Promise.resolve(new Response(errorBody(error), { status: 500, headers: JSON_TYPE }));
    }
    // The address Cloudflare saw; locally (workerd without Cloudflare's edge) there is none.
    const remoteAddress = request.headers.get('cf-connecting-ip') ?? undefined;
    return handler(request, { remoteAddress });
  },
};

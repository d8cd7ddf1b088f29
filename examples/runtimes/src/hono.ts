import type { WebhookHandler } from '@siphook/webhook';
import { remoteAddressOf } from '@siphook/webhook/hono';
import { Hono } from 'hono';

/**
 * The menu as a Hono app, the same on every runtime Hono runs on. Every method and path goes to
 * the handler, which answers 405 for anything but POST and takes the callbacks (`/dtmf`) itself.
 */
export function createMenuApp(handler: WebhookHandler): Hono {
  const app = new Hono();
  app.all('/*', (c) => handler(c.req.raw, { remoteAddress: remoteAddressOf(c) }));
  return app;
}

import { remoteAddressOf } from '@siphook/webhook/hono';
import { Hono } from 'hono';
import { createMenuHandler, readMenuSettings } from './menu.js';

/**
 * The menu as a Hono app, the same on every runtime Hono runs on. Every method and path goes to
 * the handler, which answers 405 for anything but POST and takes the callbacks (`/dtmf`) itself.
 */
export function createMenuApp(read: (name: string) => string | undefined): Hono {
  const handler = createMenuHandler(readMenuSettings(read));
  const app = new Hono();
  app.all('/*', (c) => handler(c.req.raw, { remoteAddress: remoteAddressOf(c) }));
  return app;
}

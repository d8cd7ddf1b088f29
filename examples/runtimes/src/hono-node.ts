import { serve } from '@hono/node-server';
import { createMenuApp } from './hono.js';
import { createMenuOrExit } from './menu.js';

// The Hono app on Node through @hono/node-server (on Bun or Deno: `export default app`).
const app = createMenuApp(createMenuOrExit((name) => process.env[name], process.exit));
const port = Number(process.env.PORT ?? 3000);
serve({ fetch: app.fetch, hostname: '127.0.0.1', port }, () => {
  console.error(`menu listening on http://127.0.0.1:${port}/ (hono on node ${process.version})`);
});

import { createServer } from 'node:http';
import { toNodeListener } from '@siphook/webhook';
import { createMenuOrExit } from './menu.js';

// Node 20: node:http, the socket's address passed on by toNodeListener.
const handler = createMenuOrExit((name) => process.env[name], process.exit);
const port = Number(process.env.PORT ?? 3000);
const server = createServer(toNodeListener(handler));
server.listen(port, '127.0.0.1', () => {
  console.error(`menu listening on http://127.0.0.1:${port}/ (node ${process.version})`);
});
process.once('SIGTERM', () => server.close());

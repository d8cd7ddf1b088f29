import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SiphookError } from '@siphook/schema';
import type { CallLogReader } from './call-log-store.js';
import { createInspector } from './create-inspector.js';
import { type InspectAuth, requireInspectAuth } from './inspect-auth.js';
import { inspectorListener } from './inspector-listener.js';

/** Options of {@link serveInspector}. */
export interface ServeInspectorOptions {
  reader: CallLogReader;
  /** Default 4000; 0 picks a free port. */
  port?: number;
  /** Default `127.0.0.1`; any other address needs `auth`. */
  host?: string;
  auth?: InspectAuth;
}

/** A running inspector of its own (`siphook inspect`). */
export interface InspectorServer {
  /** The page's address, e.g. `http://127.0.0.1:4000/inspect/`. */
  url: string;
  server: http.Server;
  /** Ends live streams and stops listening. */
  close(): Promise<void>;
}

/**
 * Serves the inspector on its own port: the page at `/inspect/` (`/` leads there).
 *
 * @throws {SiphookError} `OPTIONS_INVALID` without `auth` on an address other than loopback;
 *   `LISTEN_FAILED` when the port is taken.
 * @example
 * const served = await serveInspector({ reader: openCallLogFile('calls.db'), port: 0 });
 * served.url // 'http://127.0.0.1:41234/inspect/'
 */
export async function serveInspector(options: ServeInspectorOptions): Promise<InspectorServer> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 4000;
  requireInspectAuth(host, options.auth);
  const inspector = createInspector({
    reader: options.reader,
    ...(options.auth === undefined ? {} : { auth: options.auth }),
  });
  const listener = inspectorListener(inspector);
  const server = http.createServer((request, response) => {
    if (request.url === '/' || request.url?.startsWith('/?')) {
      response.writeHead(302, { Location: '/inspect/' }).end();
      return;
    }
    listener(request, response);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new SiphookError(
          'LISTEN_FAILED',
          `cannot listen on ${host}:${port}: ${error.code ?? error.message}`,
          { host, port, code: error.code },
          { cause: error },
        ),
      ),
    );
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${shown === '0.0.0.0' ? '127.0.0.1' : shown}:${address.port}/inspect/`,
    server,
    close: () =>
      new Promise((resolve) => {
        inspector.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

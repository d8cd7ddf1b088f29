import { createMenuOrExit } from './menu.js';

// The few parts of Bun's API used here (the package does not depend on Bun's types).
interface BunServer {
  requestIP(request: Request): { address: string } | null;
}
declare const Bun: {
  env: Record<string, string | undefined>;
  version: string;
  serve(options: {
    hostname: string;
    port: number;
    fetch: (request: Request, server: BunServer) => Promise<Response>;
  }): unknown;
};

const handler = createMenuOrExit((name) => Bun.env[name], process.exit);
const port = Number(Bun.env.PORT ?? 3000);
Bun.serve({
  hostname: '127.0.0.1',
  port,
  fetch: (request, server) =>
    handler(request, { remoteAddress: server.requestIP(request)?.address }),
});
console.error(`menu listening on http://127.0.0.1:${port}/ (bun ${Bun.version})`);

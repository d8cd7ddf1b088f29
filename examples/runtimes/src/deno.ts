import { createMenuOrExit } from './menu.js';

// The few parts of Deno's API used here (the package does not depend on Deno's types).
declare const Deno: {
  env: { get(name: string): string | undefined };
  exit(code: number): never;
  version: { deno: string };
  serve(
    options: { hostname: string; port: number; onListen?: () => void },
    handler: (request: Request, info: { remoteAddr: { hostname: string } }) => Promise<Response>,
  ): unknown;
};

const handler = createMenuOrExit((name) => Deno.env.get(name), Deno.exit);
const port = Number(Deno.env.get('PORT') ?? 3000);
Deno.serve(
  {
    hostname: '127.0.0.1',
    port,
    onListen: () =>
      console.error(`menu listening on http://127.0.0.1:${port}/ (deno ${Deno.version.deno})`),
  },
  (request, info) => handler(request, { remoteAddress: info.remoteAddr.hostname }),
);

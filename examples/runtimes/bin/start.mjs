#!/usr/bin/env node
// npm run example:runtime -- <node|deno|bun|workerd|hono> --port P
// Starts the menu example on that runtime on 127.0.0.1:P and stays in front of it (signals are
// passed on, its exit code is ours). Exit 2 for a usage error or a runtime that is not installed.
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import { RUNTIME_NAMES, runtimeCommand } from '../dist/runtimes.js';

const usage = `usage: npm run example:runtime -- <${RUNTIME_NAMES.join('|')}> [--port P]`;
let parsed;
try {
  parsed = parseArgs({ allowPositionals: true, options: { port: { type: 'string' } } });
} catch (error) {
  console.error(`${error.message}\n${usage}`);
  process.exit(2);
}
const [runtime] = parsed.positionals;
const port = Number(parsed.values.port ?? 3000);
if (!RUNTIME_NAMES.includes(runtime) || parsed.positionals.length !== 1) {
  console.error(
    `runtime: expected one of ${RUNTIME_NAMES.join(', ')}; received ${JSON.stringify(runtime ?? null)}\n${usage}`,
  );
  process.exit(2);
}
if (!Number.isInteger(port) || port < 1 || port > 65535) {
  console.error(
    `--port: expected an integer 1-65535; received ${JSON.stringify(parsed.values.port).slice(0, 80)}`,
  );
  process.exit(2);
}
const start = runtimeCommand(runtime, port);
if (!start.ok) {
  console.error(start.message);
  process.exit(2);
}
const child = spawn(start.command, start.args, {
  stdio: 'inherit',
  env: { ...process.env, PORT: String(port), DENO_NO_UPDATE_CHECK: '1' },
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('error', (error) => {
  console.error(`${runtime}: could not start ${start.command}: ${error.message}`);
  process.exit(2);
});
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));

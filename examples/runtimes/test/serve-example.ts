import { type ChildProcess, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { type AddressInfo, createServer as createNetServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type RuntimeName, runtimeCommand } from '../src/runtimes.js';

const here = dirname(fileURLToPath(import.meta.url));
const startScript = join(here, '..', 'bin', 'start.mjs');
/** The demo prompts of the reference server, served over HTTP as a prompt CDN would. */
const promptsDir = join(here, '..', '..', '..', 'apps', 'server', 'prompts');

/** A started example: its base URL and how to stop it. */
export interface RunningExample {
  url: string;
  output: () => string;
  stop: () => Promise<void>;
}

/**
 * Why the example cannot run on `runtime` here (its npm package is missing on this OS/CPU), or
 * undefined when it can. Printed by the test that skips, naming the package.
 */
export function missingRuntime(runtime: RuntimeName): string | undefined {
  const command = runtimeCommand(runtime, 1);
  return command.ok ? undefined : command.message;
}

async function freePort(): Promise<number> {
  const probe = createNetServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/**
 * Starts the example through the start contract (`bin/start.mjs <runtime> --port P`, what
 * `npm run example:runtime` runs) and waits until it answers.
 */
export async function startExample(
  runtime: RuntimeName,
  env: Record<string, string>,
): Promise<RunningExample> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [startScript, runtime, '--port', `${port}`], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}/`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  for (let attempt = 0; ; attempt++) {
    if (child.exitCode !== null) {
      throw new Error(`${runtime} example exited with ${child.exitCode}:\n${output}`);
    }
    try {
      await fetch(url, { signal: AbortSignal.timeout(1000) });
      return { url, output: () => output, stop };
    } catch {
      if (attempt >= 150) {
        await stop();
        throw new Error(`${runtime} example did not answer on ${url} within 30 s:\n${output}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

/** Serves the demo prompts (`welcome.wav`, …) on loopback, as the prompt URL of the example. */
export async function servePrompts(): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer(async (request, response) => {
    const name = new URL(request.url ?? '/', 'http://x').pathname.replace(/^\/prompts\//, '');
    if (!/^[a-z]+\.wav$/.test(name)) {
      response.writeHead(404).end();
      return;
    }
    try {
      const bytes = await readFile(join(promptsDir, name));
      response.writeHead(200, { 'content-type': 'audio/wav', 'content-length': bytes.length });
      response.end(request.method === 'HEAD' ? undefined : bytes);
    } catch {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/prompts/`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

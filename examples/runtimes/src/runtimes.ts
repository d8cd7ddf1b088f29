import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The runtimes the example starts on (`npm run example:runtime -- <name> --port P`). */
export const RUNTIME_NAMES = ['node', 'deno', 'bun', 'workerd', 'hono'] as const;

/** One of {@link RUNTIME_NAMES}. */
export type RuntimeName = (typeof RUNTIME_NAMES)[number];

/** How to start the example on one runtime, or why it cannot be. */
export type RuntimeCommand =
  | { ok: true; command: string; args: string[] }
  | { ok: false; missingPackage: string; message: string };

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

// Each runtime's binary ships in an npm package (an optionalDependency: skipped on other OSes).
const BINARIES = {
  deno: { packageName: '@deno/linux-x64-glibc', file: 'deno' },
  bun: { packageName: '@oven/bun-linux-x64', file: 'bin/bun' },
  workerd: { packageName: '@cloudflare/workerd-linux-64', file: 'bin/workerd' },
} as const;

/** The path of a runtime's binary from its npm package, or undefined when not installed. */
function findBinary(packageName: string, file: string): string | undefined {
  try {
    const binary = join(dirname(require.resolve(`${packageName}/package.json`)), file);
    return existsSync(binary) ? binary : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The command that serves the example on `runtime` at 127.0.0.1:`port`; on a machine where the
 * runtime's npm package is not installed (another OS or CPU), the package to install instead.
 */
export function runtimeCommand(runtime: RuntimeName, port: number): RuntimeCommand {
  const dist = (file: string) => join(root, 'dist', file);
  if (runtime === 'node') return { ok: true, command: process.execPath, args: [dist('node.js')] };
  if (runtime === 'hono') {
    return { ok: true, command: process.execPath, args: [dist('hono-node.js')] };
  }
  const { packageName, file } = BINARIES[runtime];
  const binary = findBinary(packageName, file);
  if (binary === undefined) {
    return {
      ok: false,
      missingPackage: packageName,
      message: `${runtime}: npm package ${packageName} is not installed (it ships the ${runtime} binary for Linux x64 only; install the one for this platform)`,
    };
  }
  if (runtime === 'deno') {
    // node_modules is used as it is (package.json beside it): no download, no lockfile written.
    const args = ['run', '--no-lock', '--node-modules-dir=manual', '--allow-net=127.0.0.1'];
    return { ok: true, command: binary, args: [...args, '--allow-env', dist('deno.js')] };
  }
  if (runtime === 'bun') return { ok: true, command: binary, args: [dist('bun.js')] };
  const config = join(root, 'workerd.capnp');
  return {
    ok: true,
    command: binary,
    args: ['serve', config, '--socket-addr', `http=127.0.0.1:${port}`],
  };
}

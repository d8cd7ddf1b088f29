// The Worker as one ES module for workerd (and wrangler deploy --no-bundle): workerd loads only
// the modules its config lists, by name, and resolves no node_modules, while the handler imports
// @siphook/webhook, @siphook/schema, @siphook/xml, zod (hundreds of files) and ipaddr.js
// (CommonJS). The web conditions pick the package's crypto.subtle runtime, as workerd does.
import { build } from 'esbuild';

await build({
  entryPoints: ['dist/worker.js'],
  outfile: 'dist/worker.bundle.js',
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  conditions: ['workerd', 'worker', 'browser'],
  mainFields: ['module', 'main'],
  logLevel: 'warning',
});

import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The inspector page: Preact compiled by Vite's own transform (no plugin needed for a build),
// relative asset URLs so the page works under any base path, all files into dist/web.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  logLevel: 'warn',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    modulePreload: false,
    reportCompressedSize: false,
  },
});

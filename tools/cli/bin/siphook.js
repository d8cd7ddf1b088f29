#!/usr/bin/env node
// Thin launcher: the CLI is TypeScript compiled to dist/. Kept as plain JS so that npm can link the
// bin at install time, before anything is built.
let cli;
try {
  cli = await import('../dist/index.js');
} catch (error) {
  if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist')) {
    process.stderr.write(
      'siphook: the CLI is not built yet; run `npm run build` in the repository root\n',
    );
    process.exit(2);
  }
  throw error;
}
process.exitCode = await cli.runCli(process.argv.slice(2));

import { defineConfig } from 'vitest/config';

// Each file starts one runtime as a child process and places real calls: generous timeouts.
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // The handlers log a JSON line per push: shown only for a failing test.
    silent: 'passed-only',
  },
});

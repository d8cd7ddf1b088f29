import { defineConfig } from 'vitest/config';

// The tests run real HTTP servers and RSA on a shared machine: generous timeouts, never timing asserts.
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});

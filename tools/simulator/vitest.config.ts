import { defineConfig } from 'vitest/config';

// The machine running the tests may be shared and slow: generous limits, never timing assertions.
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});

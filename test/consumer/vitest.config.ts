import { defineConfig } from 'vitest/config';

// Packing, installing from the registry, four compiler runs and four servers: minutes, not seconds,
// on a shared machine. The install happens once, in beforeAll.
export default defineConfig({
  test: {
    testTimeout: 120_000,
    hookTimeout: 600_000,
  },
});

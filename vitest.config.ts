import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration and e2e tests start real processes and servers on loopback; give them room.
    testTimeout: 120_000,
    hookTimeout: 60_000,
    // Two cores: run files in parallel but keep the pool small so real-time tests are not starved.
    maxWorkers: 2,
    reporters: ['default'],
  },
});

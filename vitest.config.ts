import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['spec/**/*.spec.ts'],
    // Property tests with numeric kernels can take several seconds each on a shared 2-core machine.
    testTimeout: 60_000,
  },
});

import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'site',
    include: ['src/**/*.test.ts'],
    // elkjs lays out 200-site pictures; on two busy cores that can pass Vitest's 5 s default.
    testTimeout: 30_000,
  },
});

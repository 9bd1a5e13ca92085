import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'test',
    include: ['**/*.test.ts'],
    exclude: ['**/node_modules/**'],
    // One file at a time: the lab tests run real OpenVPN, wires and measurements whose timing two
    // cores shared by two labs would decide (a tunnel repair under load took over 30 s).
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 300_000,
  },
});

import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'cli',
    include: ['src/**/*.test.ts'],
    // Real tools (netplan, haproxy, openssl, python checkers) run in these tests; on two busy
    // cores a file can take longer than Vitest's 5 s default without anything being wrong.
    testTimeout: 90_000,
    hookTimeout: 60_000,
  },
});

import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'gen-kubeadm',
    // The same fast-check seed on every run (scripts/property-seed.ts).
    setupFiles: ['../../scripts/property-seed.ts'],
    include: ['src/**/*.test.ts'],
    // Real tools (netplan, haproxy, openssl, python checkers) run in these tests; on two busy
    // cores a file can take longer than Vitest's 5 s default without anything being wrong.
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});

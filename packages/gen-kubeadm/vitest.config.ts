import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'gen-kubeadm',
    include: ['src/**/*.test.ts'],
  },
});

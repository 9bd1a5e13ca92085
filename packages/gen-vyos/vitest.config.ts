import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'gen-vyos',
    include: ['src/**/*.test.ts'],
  },
});

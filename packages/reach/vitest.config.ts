import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'reach',
    include: ['src/**/*.test.ts'],
  },
});

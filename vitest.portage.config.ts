import { defineConfig } from 'vitest/config';

// Checks the generated prefix config against real Portage (see test/portage/README.md).
export default defineConfig({
  test: { include: ['test/portage/**/*.test.ts'], testTimeout: 300_000, hookTimeout: 300_000 },
});

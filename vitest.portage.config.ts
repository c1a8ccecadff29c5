import { defineConfig } from 'vitest/config';

// Checks the generated prefix config and wrappers against real Portage (see test/portage/README.md).
// Not part of `npm test`: it needs a Portage checkout (PORTAGE_SRC) and root. The files run one
// after the other: each builds real packages, and Portage is CPU-bound.
export default defineConfig({
  test: {
    include: ['test/portage/**/*.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 300_000,
    fileParallelism: false,
    env: { TZ: 'UTC' },
  },
});

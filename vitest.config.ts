import { defineConfig } from 'vitest/config';

// The default suite: unit tests (pure) and e2e tests (real tools, root, namespaces).
// test/portage needs a Portage checkout and runs only through `npm run test:portage`.
export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/e2e/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    env: { TZ: 'UTC' },
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});

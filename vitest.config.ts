import { defineConfig } from 'vitest/config';

/**
 * Two projects: `unit` (Node, fast, everything but the browser) and `browser` (*.browser.test.ts:
 * real Chromium through playwright-core against the built PWA). The browser project's globalSetup
 * builds the PWA and finds Chromium, and runs only when a browser test is selected.
 */
export default defineConfig({
  test: {
    environment: 'node',
    exclude: ['**/node_modules/**', '**/dist/**', '**/.stryker-tmp/**'],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['**/*.test.ts', '**/*.test.tsx'],
          exclude: ['**/node_modules/**', '**/dist/**', '**/.stryker-tmp/**', '**/*.browser.test.ts'],
          // A limit against hangs, not a speed check (speed is measured in `npm run bench`): the replay and
          // restart tests play hours of market in a few seconds, and CI's two cores may be busy.
          testTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['**/*.browser.test.ts'],
          globalSetup: ['tools/test-support/browser-setup.ts'],
          // One Chromium at a time: the machine is small and shared.
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 240_000,
        },
      },
    ],
  },
});

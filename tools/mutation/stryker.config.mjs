/**
 * Mutation testing of the margin code and the alert policy: `npm run mutate` (not part of `npm test`).
 * StrykerJS 9.6 (10.x needs Node 22; the project runs on Node 20). The report is docs/mutation-testing.md.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  vitest: { configFile: 'tools/mutation/vitest.config.ts', related: false },
  mutate: [
    'shared/engine/margin/**/*.ts',
    '!shared/engine/margin/**/*.test.ts',
    'shared/exchanges/*/margin.ts',
    'shared/engine/alerts/**/*.ts',
    '!shared/engine/alerts/**/*.test.ts',
  ],
  coverageAnalysis: 'perTest',
  concurrency: 2,
  timeoutMS: 10_000,
  reporters: ['clear-text', 'progress', 'json'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
};

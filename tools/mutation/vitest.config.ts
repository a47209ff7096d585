/**
 * The tests that guard the margin code and the alert policy, and only those: Stryker runs them once
 * per mutant, so the whole suite (simulator, feeds, browsers) would take hours on two cores.
 * A plain object (what `defineConfig` returns), so this file imports nothing.
 */
export default {
  test: {
    environment: 'node',
    include: [
      'shared/engine/margin/**/*.test.ts',
      'shared/engine/alerts/**/*.test.ts',
      'shared/exchanges/vectors.test.ts',
      'shared/exchanges/margin-fixtures.test.ts',
      'shared/exchanges/margin-models.test.ts',
    ],
  },
};

/**
 * The layout's dependency rules (docs/architecture.md), enforced on every `npm test`. Tests (*.test.ts) may reach for
 * Node and tools/ (test support, market paths, the simulator); production files may not.
 */
const prod = '(?<!\\.test)\\.tsx?$';
const homes = '^(extension|pwa|relay|tools)/';

module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
    {
      name: 'units-import-nothing',
      comment: 'shared/units is the root: it imports nothing else in the repo.',
      severity: 'error',
      from: { path: `^shared/units/.*${prod}` },
      to: { pathNot: '^shared/units/' },
    },
    {
      name: 'engine-imports-units-only',
      comment: 'The engine is pure: units and itself, no venue, feed, ui, home, package or platform API.',
      severity: 'error',
      from: { path: `^shared/engine/.*${prod}` },
      to: { pathNot: '^shared/(units|engine)/' },
    },
    {
      name: 'venue-stays-in-its-folder',
      comment: 'A venue folder may not import another venue.',
      severity: 'error',
      from: { path: `^shared/exchanges/([^/]+)/.*${prod}` },
      to: { path: '^shared/exchanges/([^/]+)/', pathNot: '^shared/exchanges/$1/' },
    },
    {
      name: 'exchanges-no-feed-ui-home',
      severity: 'error',
      from: { path: `^shared/exchanges/.*${prod}` },
      to: { path: ['^shared/(feed|ui)/', homes] },
    },
    {
      name: 'protocol-ports-no-venue-feed-ui',
      severity: 'error',
      from: { path: `^shared/(protocol|ports)/.*${prod}` },
      to: { path: ['^shared/exchanges/[^/]+/', '^shared/(feed|ui)/', homes] },
    },
    {
      name: 'feed-gets-venue-passed-in',
      comment: 'The home hands the venue adapter to the feed; the feed imports no venue.',
      severity: 'error',
      from: { path: `^shared/feed/.*${prod}` },
      to: { path: ['^shared/exchanges/', '^shared/ui/', homes] },
    },
    {
      name: 'platform-free-no-platform',
      comment: 'shared/platform implements ports on platform globals (WebCrypto, fetch, timers); only homes wire it in.',
      severity: 'error',
      from: { path: `^shared/(units|engine|exchanges|feed|ports|protocol|replay|ui)/.*${prod}` },
      to: { path: '^shared/platform/' },
    },
    {
      name: 'shared-no-homes',
      severity: 'error',
      from: { path: `^shared/.*${prod}` },
      to: { path: homes },
    },
    {
      name: 'shared-no-node-or-packages',
      comment: 'Platform-free: no Node built-ins and no npm package below shared/ (except React in shared/ui).',
      severity: 'error',
      from: { path: `^shared/(?!ui/).*${prod}` },
      to: { dependencyTypes: ['core', 'npm', 'npm-dev', 'npm-optional', 'npm-peer', 'npm-no-pkg', 'npm-unknown'] },
    },
    {
      name: 'homes-read-the-monitor-as-protocol-data',
      comment:
        "The engine's evaluation holds working memory and computes its searches on demand (it is not data to clone or store); a home reads it only as protocol data, through shared/protocol/account-report-builder.ts.",
      severity: 'error',
      from: { path: `^(extension|pwa|relay)/.*${prod}` },
      to: { path: ['^shared/engine/margin/evaluate-account[.]ts$', '^shared/engine/monitor/subject-facts[.]ts$'] },
    },
    {
      name: 'homes-do-not-import-tools',
      comment: 'tools/ is what developers run (simulator, demo, cli, bench, test support); a home never ships it (its own *.bench.ts may use them).',
      severity: 'error',
      from: { path: `^(extension|pwa|relay)/.*${prod}`, pathNot: '[.]bench[.]ts$' },
      to: { path: '^tools/' },
    },
    {
      name: 'simulator-has-its-own-formulas',
      comment:
        "The simulator computes the venues' figures with its own formulas (tools/simulator/venues/<venue>/figures.ts), " +
        'so the end-to-end tests compare two implementations: its production files may not reach the engine margin code, ' +
        "directly or through another module (shared/exchanges/venues.ts holds every venue's margin.ts). Tests may.",
      severity: 'error',
      from: { path: `^tools/simulator/.*${prod}` },
      to: { path: ['^shared/engine/margin/', '^shared/exchanges/[^/]+/margin\\.ts$'], reachable: true },
    },
    {
      name: 'tools-do-not-import-homes',
      severity: 'error',
      from: { path: '^tools/' },
      to: { path: '^(extension|pwa|relay)/' },
    },
    {
      name: 'homes-do-not-import-each-other',
      severity: 'error',
      from: { path: '^(extension|pwa|relay)/' },
      to: { path: '^(extension|pwa|relay)/', pathNot: '^$1/' },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.tsx', '.js', '.mjs', '.json'], conditionNames: ['import', 'require', 'node', 'default', 'types'], exportsFields: ['exports'] },
  },
};

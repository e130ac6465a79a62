// @ts-check
// The dependency rules of the monorepo (ARCHITECTURE.md, "Layout"), checked by
// `npm run deps:check` inside `npm test`. A package is one folder of apps/ or libs/, or test/,
// or bench/; packages reach each other only through their `@cvf/*` aliases (tsconfig.json
// "paths"), never by a relative path or a deep path into another package's src/.

/** Specs, test support and benchmarks: code that never ships in a service. */
const testOnly = ['\\.spec\\.ts$', '/testing/', '/testing\\.ts$', '^test/', '^bench/'];

/** The files a package offers to others: what the `@cvf/*` aliases point at. */
const publicEntries = [
  '^libs/[^/]+/src/index\\.ts$',
  '^libs/[^/]+/src/testing/index\\.ts$',
  '^apps/[^/]+/src/index\\.ts$',
  '^apps/[^/]+/src/testing/index\\.ts$',
  '^test/support/index\\.ts$',
  '^test/support/stack\\.ts$',
];

/** A package's folder, captured as $1 for the rules that compare source and target. */
const ownPackage = '^((?:apps|libs)/[^/]+|test|bench)/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Import cycles make load order matter and modules impossible to reason about alone.',
      from: { path: '^(apps|libs|test|bench)/' },
      to: { circular: true },
    },
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment:
        'libs/domain imports only decimal.js and itself: no Nest, no I/O, no node built-ins (specs may use test tools).',
      from: { path: '^libs/domain/', pathNot: '\\.spec\\.ts$' },
      to: { pathNot: ['^libs/domain/', '^node_modules/decimal\\.js/'] },
    },
    {
      name: 'apps-not-to-apps',
      severity: 'error',
      comment:
        'An app never imports another app. Only the composition roots (apps/all-in-one, apps/cli) assemble apps.',
      from: { path: '^apps/([^/]+)/', pathNot: '^apps/(all-in-one|cli)/' },
      to: { path: '^apps/', pathNot: '^apps/$1/' },
    },
    {
      name: 'composition-roots-through-entries',
      severity: 'error',
      comment:
        'The composition roots use another app only through its public entry (`@cvf/<app>` → apps/<app>/src/index.ts), never its testing helpers.',
      from: { path: '^apps/(all-in-one|cli)/' },
      to: { path: '^apps/', pathNot: ['^apps/$1/', '^apps/[^/]+/src/index\\.ts$'] },
    },
    {
      name: 'mcp-tools-only-through-rest',
      severity: 'error',
      comment:
        'An MCP tool acts only by calling the REST API, so the same front door decides it (token, policy, tenant, rate limit, validation, errors), never by a command bus or a read model of its own: libs/mcp uses no other package.',
      from: { path: '^libs/mcp/', pathNot: testOnly },
      to: { path: '^(apps|libs)/', pathNot: '^libs/mcp/' },
    },
    {
      name: 'mcp-stdio-server-is-a-client',
      severity: 'error',
      comment:
        'The stdio MCP server (apps/mcp) is a client of the API: libs/mcp and the configuration schema (libs/platform) are all it uses.',
      from: { path: '^apps/mcp/', pathNot: testOnly },
      to: {
        path: '^(apps|libs)/',
        pathNot: ['^(apps|libs)/mcp/', '^libs/platform/src/index\\.ts$'],
      },
    },
    {
      name: 'libs-not-to-apps',
      severity: 'error',
      comment: 'Libraries serve the apps; an import the other way round inverts the layers.',
      from: { path: '^libs/' },
      to: { path: '^apps/' },
    },
    {
      name: 'cross-package-through-aliases',
      severity: 'error',
      comment:
        "Reach another package through its `@cvf/*` alias (tsconfig.json paths), not a relative '../../libs/...' path nor a baseUrl path.",
      from: { path: ownPackage },
      to: {
        path: '^(apps|libs|test|bench)/',
        pathNot: '^$1/',
        dependencyTypesNot: ['aliased-tsconfig-paths'],
      },
    },
    {
      name: 'only-public-entries',
      severity: 'error',
      comment:
        "Another package's files are its own: import its entry (`@cvf/x`, `@cvf/x/testing`), not a file deep inside its src/.",
      from: { path: ownPackage },
      to: { path: '^(apps|libs|test|bench)/', pathNot: ['^$1/', ...publicEntries] },
    },
    {
      name: 'no-test-code-in-production',
      severity: 'error',
      comment: 'Service code never loads specs, test support or benchmarks.',
      from: { path: '^(apps|libs)/', pathNot: testOnly },
      to: { path: testOnly },
    },
    {
      name: 'not-to-dev-dep',
      severity: 'error',
      comment:
        'Service code imports only "dependencies": a devDependency is not installed in the production image (npm ci --omit=dev).',
      from: { path: '^(apps|libs)/', pathNot: testOnly },
      to: { dependencyTypes: ['npm-dev'] },
    },
    {
      name: 'no-undeclared-dependency',
      severity: 'error',
      comment:
        'Every package imported must be listed in package.json (a transitive one can vanish with any install).',
      from: {},
      to: { dependencyTypes: ['npm-no-pkg', 'npm-unknown'] },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment:
        'An import that resolves to nothing: a typo, or an alias missing from tsconfig.json.',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|coverage)/' },
    // Type-only imports count: a cycle or a forbidden layer is one whether or not it is erased.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['main', 'types', 'typings'],
      extensions: ['.ts', '.js', '.cjs', '.mjs', '.json', '.d.ts'],
    },
    cache: { folder: 'node_modules/.cache/dependency-cruiser', strategy: 'content' },
    reporterOptions: { text: { highlightFocused: true } },
  },
};

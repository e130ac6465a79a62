// Test tiers are visible in file names: *.unit.spec.ts (pure), *.int.spec.ts (real
// PostgreSQL/Redis/Kafka), *.e2e.spec.ts (running services over HTTP).
const swc = [
  '@swc/jest',
  {
    swcrc: false,
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2023',
    },
  },
];
// The `@cvf/*` aliases, one list for the type checker, swc and jest: tsconfig.json "paths".
const { compilerOptions } = require('./tsconfig.json');
const moduleNameMapper = Object.fromEntries(
  Object.entries(compilerOptions.paths).map(([alias, [target]]) => [
    `^${alias.replace(/[/.-]/g, '\\$&')}$`,
    `<rootDir>/${target}`,
  ]),
);
const common = { transform: { '^.+\\.ts$': swc }, moduleNameMapper, testEnvironment: 'node' };
module.exports = {
  // Integration specs start apps, brokers and databases; unit specs finish in milliseconds anyway.
  testTimeout: 60_000,
  globalSetup: '<rootDir>/test/build.global-setup.js',
  globalTeardown: '<rootDir>/test/build.global-teardown.js',
  reporters: ['default', '<rootDir>/scripts/jest-summary-reporter.js'],
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,test}/**/*.unit.spec.ts'] },
    {
      ...common,
      displayName: 'int',
      testMatch: ['<rootDir>/{apps,libs,test}/**/*.{int,e2e}.spec.ts'],
      slowTestThreshold: 30,
    },
  ],
};

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
const moduleNameMapper = {
  '^@cvf/(domain|event-store|messaging|read-model|cache|platform|resilience)$':
    '<rootDir>/libs/$1/src',
};
const common = { transform: { '^.+\\.ts$': swc }, moduleNameMapper, testEnvironment: 'node' };
module.exports = {
  // Integration specs start apps, brokers and databases; unit specs finish in milliseconds anyway.
  testTimeout: 60_000,
  globalSetup: '<rootDir>/test/build.global-setup.js',
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

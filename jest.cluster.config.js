// Cluster suite (`npm run test:cluster`): `npm run cluster` itself (Temporal's server as four processes on
// PostgreSQL, two workers, two APIs) under faults. Needs the cluster binaries (built once per user with Go,
// cached in ~/.cache/jingzhun) and takes minutes, so `npm test` does not run it: its files end in .cluster.ts.
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test/cluster'],
  testMatch: ['**/*.cluster.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  testTimeout: 1_200_000,
  verbose: true,
  globalSetup: '<rootDir>/test/cluster/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  // A full run records its results in docs/test-results.json and docs/RELIABILITY.md (see the reporter).
  reporters: ['default', ['<rootDir>/test/support/results-reporter.js', { suite: 'cluster' }]],
};

// Fault-injection suite (`npm run test:faults`): real worker, API and Temporal processes that the tests kill,
// restart or cut off from PostgreSQL. Slow by nature (a killed activity waits out its 45-second
// start-to-close timeout), so `npm test` does not run it: its files end in .fault.ts, not .test.ts.
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test/faults'],
  testMatch: ['**/*.fault.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  testTimeout: 600000,
  // Minutes per file: show each test and its duration.
  verbose: true,
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  // A full run records its results in docs/test-results.json and docs/RELIABILITY.md (see the reporter).
  reporters: ['default', ['<rootDir>/test/support/results-reporter.js', { suite: 'faults' }]],
};

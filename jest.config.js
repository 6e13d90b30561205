/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    // ts-jest transpiles only (isolatedModules); `npm test` runs tsc first for the type check.
    '^.+\\.[tj]sx?$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }],
  },
  // jose 6 is ESM-only: let ts-jest down-compile it to CommonJS for jest on Node 20.
  transformIgnorePatterns: ['/node_modules/(?!(jose)/)'],
  testTimeout: 30000,
  // nock installs one request interceptor for the whole process; jest 30's soft clean-up of a test file's
  // globals flags each later use of it (JEST-01 DeprecationWarning), and "on" would break it. Off, as before jest 30.
  testEnvironmentOptions: { globalsCleanup: 'off' },
  // Each test file's nock interceptor is removed when the file ends (test/helpers/nock-per-file.ts).
  setupFilesAfterEnv: ['<rootDir>/test/helpers/nock-per-file.ts'],
  // The summary's "N skipped" names its suites and why (test/helpers/skip.ts).
  reporters: ['default', '<rootDir>/test/reporters/skipped-suites.js'],
};

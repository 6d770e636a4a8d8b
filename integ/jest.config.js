// The jest configuration of the local deploy test (scripts/integ-local.sh). It crawls the whole repository
// (rootDir is the repository), so it ignores the generated directories the unit tests' configuration ignores
// (package.json's jest.modulePathIgnorePatterns, from .projenrc.ts): CI runs this test alongside the bindings
// check, whose bindings.out/package/package.json would otherwise be a "Haste module naming collision".
const { modulePathIgnorePatterns } = require('../package.json').jest;

module.exports = {
  rootDir: '..',
  testMatch: ['<rootDir>/integ/**/*.test.ts'],
  testEnvironment: 'node',
  transform: {
    '^.+\\.[t]sx?$': ['ts-jest', { tsconfig: 'tsconfig.dev.json' }],
  },
  modulePathIgnorePatterns,
  reporters: ['default', '<rootDir>/integ/summary-reporter.js'],
  collectCoverage: false,
};

const nxPreset = require('@nx/jest/preset').default;

module.exports = {
  ...nxPreset,
  // Every project's tests get a real QuestDB (tools/questdb), unless QUESTDB_URL points at one.
  globalSetup: '<rootDir>/../../tools/questdb/src/jest/global-setup.ts',
  globalTeardown: '<rootDir>/../../tools/questdb/src/jest/global-teardown.ts',
  // Integration tests talk to a real QuestDB; WAL commits become visible asynchronously.
  testTimeout: 30_000,
};

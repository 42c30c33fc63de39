const nxPreset = require('@nx/jest/preset').default;

module.exports = {
  ...nxPreset,
  // Integration tests talk to a real QuestDB; WAL commits become visible asynchronously.
  testTimeout: 30_000,
};

module.exports = {
  displayName: 'example-node-ccxt-daemon',
  preset: '../../jest.preset.js',
  testEnvironment: 'node',
  transform: {
    // The test imports the fake exchange only, but keep ccxt's ES-module dependencies loadable as in libs/reporter.
    '/node_modules/@(noble|scure)/.+\\.js$': ['ts-jest', { tsconfig: { allowJs: true, module: 'commonjs', target: 'es2022' } }],
    '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }]
  },
  transformIgnorePatterns: ['/node_modules/(?!(@noble|@scure)/)'],
  moduleFileExtensions: ['ts', 'js', 'html'],
  coverageDirectory: '../../coverage/examples/node-ccxt-daemon'
};

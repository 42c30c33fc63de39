module.exports = {
  displayName: 'reporter',
  preset: '../../jest.preset.js',
  testEnvironment: 'node',
  transform: {
    // ccxt's CommonJS build requires @noble and @scure, which ship ES modules only (Node >= 20.19
    // loads them with require(); jest's module runtime does not): compiled to CommonJS for jest.
    '/node_modules/@(noble|scure)/.+\\.js$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.esm-deps.json' }],
    '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }]
  },
  transformIgnorePatterns: ['/node_modules/(?!(@noble|@scure)/)'],
  moduleFileExtensions: ['ts', 'js', 'html'],
  coverageDirectory: '../../coverage/libs/reporter'
};

export * from './lib/demo-sources';
export * from './lib/daemon-simulator';
export * from './lib/market-simulator';

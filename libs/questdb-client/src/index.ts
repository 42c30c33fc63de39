export * from './lib/errors';
export * from './lib/backoff';
export * from './lib/connection';
export * from './lib/rest-client';
export * from './lib/schema-bootstrap';
export * from './lib/ilp-encoder';
export * from './lib/batching-writer';
export * from './lib/metrics-client';

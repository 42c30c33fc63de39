export * from './lib/collectors';

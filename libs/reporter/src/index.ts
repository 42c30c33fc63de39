export { Reporter, type ReporterOptions, type ReporterCounters } from './lib/reporter';
export { serveStatus, statusJson, type ServeStatusOptions, type StatusServer } from './lib/serve-status';
export * from './lib/errors';
export type {
  TimestampInput,
  ReporterRow,
  DaemonRow,
  ExchangeRow,
  PipelineRow,
  TradingRow,
  FetchEventInput,
  TradingEventInput,
  StatusInput,
} from './lib/types';
export type { RouteName } from './lib/routes';

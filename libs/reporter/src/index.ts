export { Reporter, type ReporterOptions, type ReporterCounters } from './lib/reporter';
export { serveStatus, statusJson, type ServeStatusOptions, type StatusServer } from './lib/serve-status';
export * from './lib/errors';
export { instrumentCcxt, InstrumentationDroppedError, type CcxtExchangeLike, type ApiCallSink, type InstrumentCcxtOptions, type CcxtInstrumentation } from './lib/ccxt/instrument-ccxt';
export { ccxtOutcome } from './lib/ccxt/ccxt-outcome';
export { CCXT_DATA_TYPES, fetchedData, type FetchedData } from './lib/ccxt/ccxt-results';
export type {
  TimestampInput,
  ReporterRow,
  DaemonRow,
  ExchangeRow,
  PipelineRow,
  TradingRow,
  FetchEventInput,
  TradingEventInput,
  ApiCallInput,
  StatusInput,
} from './lib/types';
export type { RouteName } from './lib/routes';

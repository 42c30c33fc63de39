import type { Row, TableName } from '@tradewatch/models';

/** Where collectors hand the rows they produce (the app's RowRecorder: checks, sink, metrics). */
export interface RowOutput {
  write<T extends TableName>(table: T, rows: readonly Row<T>[]): Promise<void>;
}

/**
 * A source of rows that runs in the background. `start` returns once the collector is running
 * (its first poll or connection may still be under way); `stop` ends all timers and connections
 * and emits what is still aggregated, so a shutdown loses nothing the collector already had.
 */
export interface Collector {
  readonly name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Reports a background failure without stopping the collector (the app logs it). */
export type ErrorReporter = (error: Error, context: string) => void;

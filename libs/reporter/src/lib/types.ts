import type { z } from 'zod';
import type {
  DaemonStatus,
  DaemonStatusExchange,
  Row,
  RowInput,
  TableName,
  apiEventSchema,
  fetchEventSchema,
  tradingEventSchema,
} from '@tradewatch/models';

/** A timestamp as the reporter accepts it: a Date, epoch milliseconds, or an ISO-8601 UTC string. */
export type TimestampInput = Date | number | string;

// A timestamp field is one the collector reads as an ISO string and stores as a number (µs).
type IsTimestamp<I, O> = [NonNullable<I>] extends [string] ? ([NonNullable<O>] extends [number] ? true : false) : false;

/** The wire type `I` (validated into `O` by the collector) with every timestamp field widened to TimestampInput. */
type WithTimestampInputs<I, O> = {
  [K in keyof I]: K extends keyof O ? (IsTimestamp<I[K], O[K]> extends true ? TimestampInput | Exclude<I[K], string> : I[K]) : I[K];
};
// Unions with a `type` discriminant (trading events) pair each input member with its output member.
type Widen<I, O> = I extends { type: infer T } ? WithTimestampInputs<I, Extract<O, { type: T }>> : WithTimestampInputs<I, O>;
type EventInput<S extends (...args: never[]) => z.ZodType> = Widen<z.input<ReturnType<S>>, z.output<ReturnType<S>>>;

/** A row of a registry table as the reporter accepts it (column names, optional columns may be left out). */
export type ReporterRow<T extends TableName> = Widen<RowInput<T>, Row<T>>;
export type DaemonRow = ReporterRow<'daemon_metrics'>;
export type ExchangeRow = ReporterRow<'exchange_status'>;
export type PipelineRow = ReporterRow<'pipeline_metrics'>;
export type TradingRow = ReporterRow<'trading_metrics'>;
/** `POST /v1/events/fetch`: one fetch by a pipeline daemon. */
export type FetchEventInput = EventInput<typeof fetchEventSchema>;
/** `POST /v1/events/trading`: an order placed or filled, a mark price or a position snapshot. */
export type TradingEventInput = EventInput<typeof tradingEventSchema>;
/** `POST /v1/events/api`: one exchange API call with its outcome and latency (see instrumentCcxt). */
export type ApiCallInput = EventInput<typeof apiEventSchema>;

/** What a status endpoint served by `serveStatus` returns: the JSON the collector's DaemonCollector polls. */
export type StatusInput = WithTimestampInputs<Omit<DaemonStatus, 'exchanges'>, Row<'daemon_metrics'>> & {
  exchanges?: WithTimestampInputs<DaemonStatusExchange, Row<'exchange_status'>>[];
};

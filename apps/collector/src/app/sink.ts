import { DirectSink, type MetricsClient, type RowSink } from '@tradewatch/questdb-client';
import type { CollectorMetrics } from '@tradewatch/collectors';
import type { CollectorConfig } from './config';

export interface SinkHandle {
  sink: RowSink;
  /** Readiness of the sink itself (e.g. spool below its limit); QuestDB is checked separately. */
  ready(): { ok: true } | { ok: false; reason: string };
}

/**
 * The one place that chooses where rows go. Today: straight to QuestDB (acknowledged once QuestDB
 * accepted them). The durable spool replaces this with a SpoolSink built from `config.spool`,
 * feeding `metrics.spoolRows`/`spoolBytes` and reporting "spool full" through `ready()`.
 */
// eslint-disable-next-line @typescript-eslint/no-unused-vars -- config and metrics are what the spool sink is built from
export function createSink(_config: CollectorConfig, client: MetricsClient, _metrics: CollectorMetrics): SinkHandle {
  return { sink: new DirectSink(client), ready: () => ({ ok: true }) };
}

import { resolve } from 'node:path';
import type { Logger } from 'pino';
import { Counter, Gauge } from 'prom-client';
import { DEFAULT_KEEP_UP_MAX_WAIT_MS, DEFAULT_KEEP_UP_MS, SpoolSink, type RowSink, type SpoolStats } from '@tradewatch/questdb-client';
import type { CollectorMetrics } from '@tradewatch/collectors';
import type { TableName } from '@tradewatch/models';
import type { CollectorConfig } from './config';

export interface SinkHandle {
  sink: RowSink;
  /** Readiness of the sink itself (e.g. spool below its limit); QuestDB is checked separately. */
  ready(): { ok: true } | { ok: false; reason: string };
  /** The spool's numbers for `/health/ready`. */
  details(): { spool: SpoolStats };
  /** A wait before taking more rows while shipping falls behind, or undefined (see `SpoolSink.keepUp`). */
  keepUp(): Promise<void> | undefined;
}

/**
 * The one place that chooses where rows go: the durable spool. A row is acknowledged once it is
 * fsync'd there; the spool ships it to QuestDB, replays after a crash, dead-letters what QuestDB
 * refuses for good and answers SpoolFullError (503 + Retry-After) at `config.spool.maxBytes`.
 * Its numbers go to `/metrics` and `/health/ready`, its events to the log.
 */
export async function createSink(config: CollectorConfig, metrics: CollectorMetrics, logger: Logger): Promise<SinkHandle> {
  const registers = [metrics.registry];
  const oldestAge = new Gauge({ name: 'tradewatch_collector_spool_oldest_age_seconds', help: 'Age of the oldest row in the durable spool not yet accepted by QuestDB (0 when empty).', registers });
  const limit = new Gauge({ name: 'tradewatch_collector_spool_limit_bytes', help: 'Spool size at which ingest answers 503 (back-pressure).', registers });
  const deadLetters = new Gauge({ name: 'tradewatch_collector_spool_dead_letter_batches', help: 'Entries in the dead-letter file (rows refused by QuestDB for good, one entry each), earlier runs included.', registers });
  const heldBack = new Counter({
    name: 'tradewatch_collector_ingest_held_back_total',
    help: `Ingest requests held back (up to ${DEFAULT_KEEP_UP_MAX_WAIT_MS / 1000} s) because the spool fell more than ${DEFAULT_KEEP_UP_MS / 1000} s behind shipping to QuestDB: the collector took rows faster than QuestDB did.`,
    registers,
  });
  const deadLetterRows = new Counter({ name: 'tradewatch_collector_spool_dead_letter_rows_total', help: 'Rows moved to the dead-letter file, per table.', labelNames: ['table'], registers });

  const dir = resolve(config.spool.dir);
  const sink = await SpoolSink.open({
    dir,
    connection: { url: config.questdb.url, user: config.questdb.user, password: config.questdb.password },
    maxBytes: config.spool.maxBytes,
    lingerMs: config.spool.lingerMs,
    onEvent: (event) => {
      if (event.type === 'shipped') metrics.flushed(event.table as TableName, event.rows, event.seconds);
      if (event.type === 'dead_letter') deadLetterRows.inc({ table: event.table }, event.rows);
      if (event.type === 'ship_failed') metrics.questdbError({ code: 'questdb_unavailable' });
      const { level, message, type, ...fields } = event;
      logger[level]({ spool: type, ...fields }, message);
    },
  });
  const update = () => {
    const s = sink.stats();
    metrics.spoolRows.set(s.depthRows);
    metrics.spoolBytes.set(s.depthBytes);
    oldestAge.set(s.oldestAgeSeconds);
    limit.set(s.maxBytes);
    deadLetters.set(s.deadLetters);
    return s;
  };
  update();
  const timer = setInterval(update, 1_000).unref();
  logger.info({ dir, maxBytes: config.spool.maxBytes }, 'durable spool open');

  return {
    sink: {
      // Bound, not wrapped: every argument reaches the spool (a wrapper once dropped the line prefixes).
      append: sink.append.bind(sink),
      drain: (timeoutMs) => sink.drain(timeoutMs),
      close: async () => {
        clearInterval(timer);
        await sink.close();
        update();
      },
    },
    ready: () => {
      const s = update();
      return s.full ? { ok: false, reason: `spool full: ${s.depthBytes} of ${s.maxBytes} bytes waiting for QuestDB` } : { ok: true };
    },
    details: () => ({ spool: update() }),
    keepUp: () => {
      const wait = sink.keepUp();
      if (wait !== undefined) heldBack.inc();
      return wait;
    },
  };
}

import { CORE_DATA_TYPES, DEFAULT_EXCHANGES, formatIsoMicros, type EpochMicros, type RowInput, type PipelineMetricsRow } from '@tradewatch/models';
import { textEncoder } from '@tradewatch/questdb-client';
import { BodyBytes, utf8 } from './body-bytes';

/**
 * The rows every benchmark writes: pipeline_metrics for 4 exchanges × 84 symbols × 3 data types
 * (1,008 series), deterministic values, one timestamp per batch of up to 1,008 rows so that
 * every row has its own dedup key. Written straight (typed rows) or as the JSON a client posts.
 */
export const SERIES = DEFAULT_EXCHANGES.flatMap((exchange) =>
  Array.from({ length: 84 }, (_, s) => `BENCH${s}/USDT:USDT`).flatMap((symbol) => CORE_DATA_TYPES.map((dataType) => ({ exchange, symbol, dataType }))),
);
export const BENCH_HOST = 'bench-1';
/** Counts the load rows of pipeline_metrics in QuestDB (the freshness probes have a host of their own). */
const PIPELINE_STORED_SQL = `SELECT count() n FROM pipeline_metrics WHERE host = '${BENCH_HOST}'`;

function seriesRow(i: number, timestamp: EpochMicros): PipelineMetricsRow {
  const s = SERIES[i % SERIES.length];
  const gap = i % 50 === 7;
  return {
    timestamp,
    exchange: s.exchange,
    symbol: s.symbol,
    data_type: s.dataType,
    host: BENCH_HOST,
    env: 'prod',
    records_count: 100 + (i % 900),
    bytes_written: 10_000 + ((i * 7919) % 90_000),
    latency_ms: 5 + ((i * 31) % 2_000) / 10,
    gap_detected: gap,
    gap_duration_seconds: gap ? 60 + (i % 600) : null,
  };
}

/** `count` rows in time order ending before `endMicros`: batches of SERIES.length rows, one second apart. */
export function pipelineRows(count: number, endMicros: EpochMicros): PipelineMetricsRow[] {
  const seconds = Math.ceil(count / SERIES.length);
  const start = endMicros - seconds * 1_000_000;
  return Array.from({ length: count }, (_, i) => seriesRow(i, start + Math.floor(i / SERIES.length) * 1_000_000));
}

/**
 * JSON request bodies for POST /v1/metrics/pipeline, built as bytes from pre-encoded row
 * fragments so that the load generator spends little CPU (it shares the machine with the collector).
 */
export class PipelineBodies implements BodyFactory {
  readonly storedRowsSql = PIPELINE_STORED_SQL;
  private readonly tails: Buffer[];

  constructor(readonly rowsPerBody: number) {
    this.tails = Array.from({ length: rowsPerBody }, (_, i) => {
      // Everything after the timestamp: the row's JSON without its first key.
      const json = JSON.stringify(seriesRow(i, 0));
      return utf8(`",${json.slice(json.indexOf(',') + 1)}`);
    });
  }

  body(timestamp: EpochMicros): string {
    return textOf(this.writer(), timestamp);
  }

  /** Bodies whose rows have `timestamp`, plus one microsecond per full round of the series. */
  writer(): BodyWriter {
    const out = new BodyBytes();
    return (timestamp) => {
      out.reset();
      out.bytes(OPEN_ARRAY);
      let iso = UNSET;
      for (let i = 0; i < this.rowsPerBody; i++) {
        if (i % SERIES.length === 0) iso = utf8(formatIsoMicros(timestamp + i / SERIES.length));
        if (i > 0) out.bytes(COMMA);
        out.bytes(OPEN_TIMESTAMP);
        out.bytes(iso);
        out.bytes(this.tails[i]);
      }
      out.bytes(CLOSE_ARRAY);
      return out.view();
    };
  }
}

/** A per-round fragment before its first row sets it. */
const UNSET: Buffer = Buffer.alloc(0);
const OPEN_ARRAY = utf8('[');
const CLOSE_ARRAY = utf8(']');
const COMMA = utf8(',');
const OPEN_TIMESTAMP = utf8('{"timestamp":"');

/** Makes one client's bodies: each call's bytes are valid until its next call (the client's previous request is over by then). */
export type BodyWriter = (timestamp: EpochMicros) => Uint8Array;

/** A writer's body as text (tests, the stage bench). */
function textOf(writer: BodyWriter, timestamp: EpochMicros): string {
  return Buffer.from(writer(timestamp)).toString('utf8');
}

/** Request bodies of a load: `body(timestamp)` gives one body of `rowsPerBody` rows with fresh timestamps. */
export interface BodyFactory {
  readonly rowsPerBody: number;
  /** A query (`SELECT count() n …`) counting the load's rows in QuestDB: every acknowledged one must be there. */
  readonly storedRowsSql: string;
  /** One body as text. */
  body(timestamp: EpochMicros): string;
  /** A writer of the same bodies as bytes, for one client (see BodyWriter). */
  writer(): BodyWriter;
}

/** The daemons of the daemon_metrics load: 1,000 (host, env) series, so that counter continuity has many series to keep. */
export const DAEMON_HOSTS = Array.from({ length: 1_000 }, (_, h) => `daemon-${h}`);
/** When the load's daemons started: an hour before this process. Their uptime and counters count from it. */
const DAEMONS_STARTED: EpochMicros = Date.now() * 1000 - 3_600_000_000;

/** The fields of a daemon's status sample that do not change with time (realistic, varied per host), as a client sends them. */
function daemonStatics(h: number, startedAt: EpochMicros): Omit<RowInput<'daemon_metrics'>, 'timestamp' | 'host' | 'env' | 'fetch_count' | 'error_count' | 'liquidation_count' | 'uptime_seconds'> {
  const failed = h % 10 === 3;
  return {
    running: h % 97 !== 5,
    memory_rss_bytes: 150_000_000 + ((h * 7919) % 400) * 1_000_000,
    cpu_percent: 1 + ((h * 31) % 900) / 10,
    parquet_bytes: 1_000_000_000 + h * 12_345_678,
    last_error: failed ? `okx: fetch timed out after 10000 ms (attempt ${1 + (h % 5)})` : null,
    last_error_at: failed ? formatIsoMicros(startedAt) : null,
  };
}

/**
 * JSON request bodies for POST /v1/metrics/daemon: status samples of the DAEMON_HOSTS, one
 * timestamp per round of the hosts (like PipelineBodies). The counters are functions of the
 * sample's time since `startedAt`, at a rate of the host's own, so they never go down in any
 * host's series whatever order the batches arrive in (counter continuity, docs/product.md §3).
 * Everything but the timestamp and the counters is pre-serialised.
 */
export class DaemonBodies implements BodyFactory {
  readonly storedRowsSql = `SELECT count() n FROM daemon_metrics WHERE host LIKE 'daemon-%'`;
  private readonly heads: Buffer[];
  private readonly tails: Buffer[];

  constructor(
    readonly rowsPerBody: number,
    private readonly startedAt: EpochMicros = DAEMONS_STARTED,
  ) {
    const hosts = DAEMON_HOSTS.slice(0, rowsPerBody);
    this.heads = hosts.map((host) => utf8(`,"host":"${host}","env":"prod","fetch_count":`));
    // The static fields' JSON without its opening brace.
    this.tails = hosts.map((_, h) => utf8(`,${JSON.stringify(daemonStatics(h, startedAt)).slice(1)}`));
  }

  body(timestamp: EpochMicros): string {
    return textOf(this.writer(), timestamp);
  }

  /** Bodies whose rows have `timestamp`, plus one microsecond per full round of the hosts. */
  writer(): BodyWriter {
    const out = new BodyBytes();
    const n = DAEMON_HOSTS.length;
    return (timestamp) => {
      out.reset();
      out.bytes(OPEN_ARRAY);
      // What every host's row of one round shares: the timestamp and the uptime (all started at once).
      let head = UNSET;
      let seconds = 0;
      for (let i = 0; i < this.rowsPerBody; i++) {
        const h = i % n;
        if (h === 0) {
          const t = timestamp + i / n;
          seconds = Math.max(0, t - this.startedAt) / 1e6;
          head = utf8(`{"timestamp":"${formatIsoMicros(t)}","uptime_seconds":${seconds}`);
        }
        if (i > 0) out.bytes(COMMA);
        out.bytes(head);
        out.bytes(this.heads[h]);
        out.int(Math.floor(seconds * (20 + (h % 80))));
        out.bytes(ERROR_COUNT);
        out.int(Math.floor(seconds / (30 + (h % 90))));
        out.bytes(LIQUIDATION_COUNT);
        out.int(Math.floor((seconds * (h % 7)) / 10));
        out.bytes(this.tails[h]);
      }
      out.bytes(CLOSE_ARRAY);
      return out.view();
    };
  }
}

const ERROR_COUNT = utf8(',"error_count":');
const LIQUIDATION_COUNT = utf8(',"liquidation_count":');

/**
 * ILP text bodies of the same rows as `PipelineBodies`, encoded by the collector's own encoder
 * (what the spool holds and QuestDB gets, designated timestamps with the `t` suffix): for QuestDB
 * alone. With `suffix: false` the timestamps are plain microseconds, as QuestDB's clients write
 * them (post with `precision=u`): for the collector's `POST /write`.
 */
export class IlpBodies implements BodyFactory {
  readonly storedRowsSql = PIPELINE_STORED_SQL;
  private readonly heads: Buffer[];
  private readonly end: Buffer;

  constructor(
    readonly rowsPerBody: number,
    options: { suffix: boolean } = { suffix: true },
  ) {
    const encode = textEncoder('pipeline_metrics');
    // Each row's line up to its timestamp.
    this.heads = Array.from({ length: rowsPerBody }, (_, i) => utf8(encode([seriesRow(i, 0)]).slice(0, -'0t\n'.length)));
    this.end = utf8(options.suffix ? 't\n' : '\n');
  }

  body(timestamp: EpochMicros): string {
    return textOf(this.writer(), timestamp);
  }

  writer(): BodyWriter {
    const out = new BodyBytes();
    return (timestamp) => {
      out.reset();
      let stamp = UNSET;
      for (let i = 0; i < this.rowsPerBody; i++) {
        if (i % SERIES.length === 0) stamp = utf8(`${timestamp + i / SERIES.length}`);
        out.bytes(this.heads[i]);
        out.bytes(stamp);
        out.bytes(this.end);
      }
      return out.view();
    };
  }
}

import { CORE_DATA_TYPES, DEFAULT_EXCHANGES, formatIsoMicros, type EpochMicros, type PipelineMetricsRow } from '@tradewatch/models';
import { textEncoder } from '@tradewatch/questdb-client';

/**
 * The rows every benchmark writes: pipeline_metrics for 4 exchanges × 84 symbols × 3 data types
 * (1,008 series), deterministic values, one timestamp per batch of up to 1,008 rows so that
 * every row has its own dedup key. Written straight (typed rows) or as the JSON a client posts.
 */
export const SERIES = DEFAULT_EXCHANGES.flatMap((exchange) =>
  Array.from({ length: 84 }, (_, s) => `BENCH${s}/USDT:USDT`).flatMap((symbol) => CORE_DATA_TYPES.map((dataType) => ({ exchange, symbol, dataType }))),
);
export const BENCH_HOST = 'bench-1';

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
 * JSON request bodies for POST /v1/metrics/pipeline, built from pre-serialised row fragments so
 * that the load generator spends little CPU (it shares the machine with the collector).
 */
export class PipelineBodies implements BodyFactory {
  private readonly tails: string[];

  constructor(readonly rowsPerBody: number) {
    this.tails = Array.from({ length: rowsPerBody }, (_, i) => {
      // Everything after the timestamp: the row's JSON without its first key.
      const json = JSON.stringify(seriesRow(i, 0));
      return `",${json.slice(json.indexOf(',') + 1)}`;
    });
  }

  /** A body whose rows have `timestamp`, plus one microsecond per full round of the series. */
  body(timestamp: EpochMicros): string {
    const parts: string[] = [];
    let iso = '';
    for (let i = 0; i < this.rowsPerBody; i++) {
      if (i % SERIES.length === 0) iso = formatIsoMicros(timestamp + i / SERIES.length);
      parts.push(`{"timestamp":"${iso}${this.tails[i]}`);
    }
    return `[${parts.join(',')}]`;
  }
}

/** Request bodies of a load: `body(timestamp)` gives one body of `rowsPerBody` rows with fresh timestamps. */
export interface BodyFactory {
  readonly rowsPerBody: number;
  body(timestamp: EpochMicros): string;
}

/**
 * ILP text bodies of the same rows as `PipelineBodies`, encoded by the collector's own encoder
 * (what the spool holds and QuestDB gets, designated timestamps with the `t` suffix): for QuestDB
 * alone. With `suffix: false` the timestamps are plain microseconds, as QuestDB's clients write
 * them (post with `precision=u`): for the collector's `POST /write`.
 */
export class IlpBodies implements BodyFactory {
  private readonly heads: string[];
  private readonly end: string;

  constructor(
    readonly rowsPerBody: number,
    options: { suffix: boolean } = { suffix: true },
  ) {
    const encode = textEncoder('pipeline_metrics');
    // Each row's line up to its timestamp.
    this.heads = Array.from({ length: rowsPerBody }, (_, i) => encode([seriesRow(i, 0)]).slice(0, -'0t\n'.length));
    this.end = options.suffix ? 't\n' : '\n';
  }

  body(timestamp: EpochMicros): string {
    let text = '';
    for (let i = 0; i < this.rowsPerBody; i++) text += `${this.heads[i]}${timestamp + Math.floor(i / SERIES.length)}${this.end}`;
    return text;
  }
}

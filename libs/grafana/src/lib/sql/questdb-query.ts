import type { Builder, Dataquery } from '@grafana/grafana-foundation-sdk/cog';
import type { RollupName } from '@tradewatch/models';
import { QUESTDB_DATASOURCE } from '../datasource';
import type { SqlRollup } from './registry-sql';

/** The plugin's `format`: 0 time series (time first, long to wide), 1 table. */
export enum QueryFormat {
  TimeSeries = 0,
  Table = 1,
}

/** A target in the QuestDB plugin's model, as it lands in the dashboard JSON. */
export interface QuestDbTarget {
  refId: string;
  queryType: 'sql';
  rawSql: string;
  format: QueryFormat;
  datasource: { type: string; uid: string };
}

export type QuestDbDataquery = QuestDbTarget & Dataquery;

/**
 * The Foundation SDK has no SQL query type for the QuestDB plugin: this builder yields the
 * plugin's target model and plugs into any panel's `withTarget`.
 */
export class QuestDbQueryBuilder implements Builder<Dataquery> {
  private target: QuestDbTarget;
  /**
   * The panel's minimum interval (Grafana's "Min interval", e.g. `1m`): a query over a 1-minute
   * rollup must never be sampled finer than its buckets.
   */
  minInterval: string | undefined;

  constructor(rawSql: string, format: QueryFormat) {
    this.target = {
      refId: 'A',
      queryType: 'sql',
      rawSql: normalizeSql(rawSql),
      format,
      datasource: { type: QUESTDB_DATASOURCE.type, uid: QUESTDB_DATASOURCE.uid },
    };
  }

  refId(refId: string): this {
    this.target = { ...this.target, refId };
    return this;
  }

  build(): QuestDbDataquery {
    return { ...this.target, _implementsDataqueryVariant: () => undefined };
  }
}

export const timeSeriesQuery = (rawSql: string) => new QuestDbQueryBuilder(rawSql, QueryFormat.TimeSeries);

/** A time series over a rollup: its panel's interval never goes below the rollup's bucket. */
export function rollupSeriesQuery(rollup: Pick<SqlRollup<RollupName>, 'bucket'>, rawSql: string): QuestDbQueryBuilder {
  const query = new QuestDbQueryBuilder(rawSql, QueryFormat.TimeSeries);
  query.minInterval = rollup.bucket;
  return query;
}
export const tableQuery = (rawSql: string) => new QuestDbQueryBuilder(rawSql, QueryFormat.Table);

/** Template literals are indented like the code around them; the stored SQL is not. */
function normalizeSql(sql: string): string {
  return sql
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0)
    .join('\n');
}

import type { Builder, Dataquery } from '@grafana/grafana-foundation-sdk/cog';
import { QUESTDB_DATASOURCE } from '../datasource';

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
export const tableQuery = (rawSql: string) => new QuestDbQueryBuilder(rawSql, QueryFormat.Table);

/** Template literals are indented like the code around them; the stored SQL is not. */
function normalizeSql(sql: string): string {
  return sql
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0)
    .join('\n');
}

import { defineRollup } from './rollup';
import { ROLLUPS, ROLLUP_NAMES } from './rollup-registry';
import { TABLES } from './registry';

describe('defineRollup', () => {
  it('derives the column types from the source: counts are LONG, sums keep the source type', () => {
    expect(ROLLUPS.pipeline_metrics_1m.types).toEqual({
      timestamp: 'TIMESTAMP',
      exchange: 'SYMBOL',
      data_type: 'SYMBOL',
      host: 'SYMBOL',
      env: 'SYMBOL',
      fetches: 'LONG',
      records: 'LONG',
      bytes: 'LONG',
      latency_sum: 'DOUBLE',
      latency_samples: 'LONG',
      gaps: 'LONG',
    });
  });

  it('keeps every rollup as long as its source and names it after the source and bucket', () => {
    for (const name of ROLLUP_NAMES) {
      const r = ROLLUPS[name];
      expect({ name, retention: r.retentionDays, partition: r.partitionBy }).toEqual({
        name: `${r.source.name}_${r.bucket}`,
        retention: TABLES[r.source.name as keyof typeof TABLES].retentionDays,
        partition: 'DAY',
      });
    }
  });

  it('refuses a key that is not a SYMBOL, a sum of a non-number, countTrue of a non-boolean, and name clashes', () => {
    const base = { name: 'x_1m', description: 'x', source: TABLES.pipeline_metrics, bucket: '1m' as const };
    expect(() => defineRollup({ ...base, keys: ['records_count'], aggregates: {} })).toThrow('key records_count must be a SYMBOL column of pipeline_metrics');
    expect(() => defineRollup({ ...base, keys: [], aggregates: { s: { fn: 'sum', of: 'gap_detected' } } })).toThrow('sum needs a numeric column, gap_detected is BOOLEAN');
    expect(() => defineRollup({ ...base, keys: [], aggregates: { g: { fn: 'countTrue', of: 'latency_ms' } } })).toThrow('countTrue needs a BOOLEAN column, latency_ms is DOUBLE');
    expect(() => defineRollup({ ...base, keys: ['host'], aggregates: { host: { fn: 'count' } } })).toThrow('aggregate host clashes with a key');
  });
});

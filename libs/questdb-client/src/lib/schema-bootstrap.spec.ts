import { rollupDef } from '@tradewatch/models';
import { viewDifferences } from './schema-bootstrap';

// Pure comparison of hand-written metadata (as QuestDB reports it) with a rollup definition.
describe('viewDifferences (fake metadata)', () => {
  const def = rollupDef('trading_metrics_1m');
  const meta = { table_name: def.name, designatedTimestamp: 'timestamp', partitionBy: 'DAY', walEnabled: true, dedup: false, ttlValue: 365, ttlUnit: 'DAY', matView: true };
  const view = { view_name: def.name, base_table_name: 'trading_metrics', refresh_type: 'manual', view_status: 'valid', invalidation_reason: null };
  const columns = def.columnNames.map((column) => ({ column, type: (def.types as Record<string, string>)[column], symbolCapacity: 0, designated: column === 'timestamp', upsertKey: false }));

  it('finds nothing when the view matches', () => {
    expect(viewDifferences(def, meta, view, columns)).toEqual([]);
  });

  it('names a plain table in place of the view', () => {
    expect(viewDifferences(def, { ...meta, matView: false }, undefined, columns)).toEqual(['is a table, expected a materialized view']);
  });

  it('names every difference: base table, TTL, column types, missing and extra columns', () => {
    const changed = columns
      .filter((c) => c.column !== 'samples')
      .map((c) => (c.column === 'drawdown_max' ? { ...c, type: 'LONG' } : c))
      .concat({ column: 'extra', type: 'DOUBLE', symbolCapacity: 0, designated: false, upsertKey: false });
    expect(viewDifferences(def, { ...meta, ttlValue: 90 }, { ...view, base_table_name: 'other' }, changed)).toEqual([
      'is built on other, expected trading_metrics',
      'TTL is 90 DAY, expected 365 DAY',
      'column samples is missing',
      'column drawdown_max is LONG, expected DOUBLE',
      'column extra is not in the rollup definition',
    ]);
  });
});

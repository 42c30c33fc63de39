import { rowCopier } from './row-copy';
import { TABLES, type Row } from './registry';

describe('rowCopier', () => {
  const row: Row<'daemon_metrics'> = { timestamp: 2, host: 'h', env: 'prod', fetch_count: 5, uptime_seconds: 1.5, running: true, last_error: 'x' };

  it('copies every column of the table, in registry order, undefined where the row has none', () => {
    const copy = rowCopier('daemon_metrics').copy(row);
    expect(copy).not.toBe(row);
    expect(Object.keys(copy)).toEqual(TABLES.daemon_metrics.columnNames);
    expect(copy).toEqual({ ...Object.fromEntries(TABLES.daemon_metrics.columnNames.map((c) => [c, undefined])), ...row });
  });

  it('overwrites a copy in place, clearing what the new row does not have', () => {
    const { copy, assign } = rowCopier('daemon_metrics');
    const kept = copy(row);
    assign(kept, { timestamp: 3, host: 'h', env: 'prod', fetch_count: 6, uptime_seconds: 2.25, running: false, cpu_percent: 0.5 });
    expect(kept).toMatchObject({ timestamp: 3, fetch_count: 6, uptime_seconds: 2.25, running: false, cpu_percent: 0.5, last_error: undefined });
    expect(Object.keys(kept)).toEqual(TABLES.daemon_metrics.columnNames);
  });

  it('compiles once per table', () => {
    expect(rowCopier('pipeline_metrics')).toBe(rowCopier('pipeline_metrics'));
    expect(rowCopier('pipeline_metrics')).not.toBe(rowCopier('daemon_metrics'));
  });
});

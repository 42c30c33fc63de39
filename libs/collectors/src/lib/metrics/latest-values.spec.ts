import type { Row } from '@tradewatch/models';
import { CollectorMetrics } from './collector-metrics';
import { gaugeSpecs, labelColumns } from './gauge-specs';
import { LatestValues } from './latest-values';
import { allCollected } from '../../testing/collected';

describe('gauge specs derived from the table registry', () => {
  const specs = gaugeSpecs();

  it('follow Prometheus naming: tradewatch_ prefix, base units, _total only on counters', () => {
    for (const s of specs) {
      expect(s.name).toMatch(/^tradewatch_(daemon|exchange|pipeline|trading)_[a-z_]+$/);
      expect(s.name.endsWith('_total')).toBe(s.kind === 'counter');
      expect(s.name).not.toMatch(/_(ms|percent|count)$/);
    }
    const byName = Object.fromEntries(specs.map((s) => [s.name, s]));
    expect(byName['tradewatch_exchange_latency_seconds']).toMatchObject({ column: 'latency_ms', scale: 1e-3 });
    expect(byName['tradewatch_daemon_fetch_total']).toMatchObject({ column: 'fetch_count', kind: 'counter' });
    expect(byName['tradewatch_trading_drawdown_ratio']).toMatchObject({ column: 'drawdown', scale: 0.01 });
    expect(byName['tradewatch_daemon_running']).toMatchObject({ column: 'running' });
  });

  it('never label by symbol (unbounded cardinality)', () => {
    expect(labelColumns('pipeline_metrics')).toEqual(['exchange', 'data_type', 'host', 'env']);
    expect(labelColumns('trading_metrics')).toEqual(['strategy', 'venue', 'env']);
  });
});

describe('LatestValues', () => {
  it('exposes the latest row per series and combines symbols per the spec (sum or max)', async () => {
    const metrics = new CollectorMetrics({ defaultMetrics: false });
    const latest = new LatestValues(metrics.registry);
    const row = (symbol: string, timestamp: number, pnl: number, drawdown: number): Row<'trading_metrics'> => ({
      timestamp, strategy: 's1', symbol, venue: 'okx', env: 'dev', pnl, drawdown,
    });
    latest.observe('trading_metrics', [row('BTC', 2, 10, 5), row('BTC', 1, 999, 99), row('ETH', 2, -3, 20)]);
    const json = await metrics.registry.getMetricsAsJSON();
    const pnl = json.find((m) => m.name === 'tradewatch_trading_pnl');
    const dd = json.find((m) => m.name === 'tradewatch_trading_drawdown_ratio');
    expect(pnl?.values).toEqual([{ labels: { strategy: 's1', venue: 'okx', env: 'dev' }, value: 7 }]); // 10 + (−3); the older BTC row is ignored
    expect(dd?.values).toEqual([{ labels: { strategy: 's1', venue: 'okx', env: 'dev' }, value: 0.2 }]); // max(5 %, 20 %)
  });
});

describe('LatestValues and the rows it observes', () => {
  it('keeps a copy of each series’ latest row, never the row itself (it would live until its series reports again)', async () => {
    const metrics = new CollectorMetrics({ defaultMetrics: false });
    const latest = new LatestValues(metrics.registry);
    // Rows made and observed in a scope of their own, as the ingest path does (admitted, then observed): only LatestValues could still hold them.
    const observe = (timestamp: number, fetches: number, uptime: number) => {
      const rows: Row<'daemon_metrics'>[] = ['d1', 'd2'].map((host) => ({ timestamp, host, env: 'prod', fetch_count: fetches, uptime_seconds: uptime, running: true }));
      latest.observe('daemon_metrics', rows, latest.admit('daemon_metrics', rows));
      return rows.map((r) => new WeakRef(r));
    };
    const refs = [...observe(1, 10, 1.5), ...observe(2, 20, 2.5), ...observe(1, 99, 9.5)];
    expect(await allCollected(refs)).toBe(true);
    const json = await metrics.registry.getMetricsAsJSON();
    const value = (name: string) => json.find((m) => m.name === name)?.values.map((v) => [v.labels['host'], v.value]);
    // The latest by timestamp: the late row of t=1 changes nothing.
    expect(value('tradewatch_daemon_fetch_total')).toEqual([['d1', 20], ['d2', 20]]);
    expect(value('tradewatch_daemon_uptime_seconds')).toEqual([['d1', 2.5], ['d2', 2.5]]);
  });
});

describe('LatestValues series bounds (pinned clock)', () => {
  let now = 1_000_000;
  const values = new LatestValues(new CollectorMetrics({ defaultMetrics: false }).registry, { maxNewSeriesPerRequest: 2, maxSeriesPerTable: 3, forgetSeriesAfterMs: 60_000 }, () => now);
  const row = (host: string) => ({ timestamp: now * 1000, host, env: 'prod' as const, running: true }) as Row<'daemon_metrics'>;

  it('counts only new series, per request and per table; events without the key columns create none', () => {
    expect(() => values.admit('daemon_metrics', [row('a'), row('b'), row('c')])).toThrow(/would create 3 new series \(host, env\); one request may create at most 2/);
    expect(() => values.admit('daemon_metrics', [row('a'), row('a'), row('b')])).not.toThrow();
    values.observe('daemon_metrics', [row('a'), row('b')]);
    expect(() => values.admit('daemon_metrics', [row('a'), row('b'), row('c')])).not.toThrow(); // one new
    values.observe('daemon_metrics', [row('c')]);
    expect(values.seriesCount('daemon_metrics')).toBe(3);
    expect(() => values.admit('daemon_metrics', [row('d')])).toThrow(/holds 3 series and may hold at most 3/);
    expect(() => values.admit('trading_metrics', [{ type: 'mark', symbol: 'X', venue: 'okx', price: 1 }])).not.toThrow();
  });

  it('forgets series silent for longer than the limit', () => {
    now += 30_000;
    values.observe('daemon_metrics', [row('a')]);
    now += 31_000; // b and c silent for 61 s, a for 31 s
    expect(values.seriesCount('daemon_metrics')).toBe(1);
    expect(() => values.admit('daemon_metrics', [row('d'), row('e')])).not.toThrow();
  });
});

describe('LatestValues: what admit found is what observe updates (pinned clock)', () => {
  let now = 1_000_000;
  const registry = new CollectorMetrics({ defaultMetrics: false }).registry;
  const values = new LatestValues(registry, { maxNewSeriesPerRequest: 10, maxSeriesPerTable: 10, forgetSeriesAfterMs: 60_000 }, () => now);
  const row = (host: string, uptime: number) => ({ timestamp: now * 1000, host, env: 'prod' as const, running: true, uptime_seconds: uptime }) as Row<'daemon_metrics'>;
  const uptimes = async () => (await registry.getSingleMetric('tradewatch_daemon_uptime_seconds')?.get())?.values.map((v) => [v.labels['host'], v.value]);

  it('a series forgotten between admit and observe (while the rows were made durable) is held again, with the new row', async () => {
    values.observe('daemon_metrics', [row('a', 1)]);
    now += 61_000;
    const rows = [row('a', 2), row('b', 3)];
    const admitted = values.admit('daemon_metrics', rows); // sweeps: "a" is forgotten
    expect(values.seriesCount('daemon_metrics')).toBe(0);
    values.observe('daemon_metrics', rows, admitted);
    expect(values.seriesCount('daemon_metrics')).toBe(2);
    expect(await uptimes()).toEqual([['a', 2], ['b', 3]]);
    // observe filled in the series it created: the inventory gets one handle per row.
    expect(admitted?.series.every((s) => s !== undefined)).toBe(true);
  });

  it('a missing key column is not the text "undefined": two series', () => {
    const before = values.seriesCount('exchange_status');
    const status = (exchange: unknown) => ({ timestamp: now * 1000, exchange, symbol: 'BTC/USDT', env: 'prod', connected: true }) as unknown as Row<'exchange_status'>;
    values.observe('exchange_status', [status(undefined), status('undefined')]);
    expect(values.seriesCount('exchange_status')).toBe(before + 2);
  });
});

import { DEFAULT_VALIDATION_OPTIONS, formatIsoMicros, TABLES, validateRows, type TableName } from '@tradewatch/models';
import { apiCallRows, daemonRows, heartbeatRows, exchangeRows, pipelineRows, tradingRows } from './demo-rows';
import { demoUniverse } from './demo-universe';

const universe = demoUniverse({ prefix: 'spec', hosts: 2, symbols: 3, strategies: 2 });
const cadence = { pipelineSeconds: 60, daemonSeconds: 30, exchangeSeconds: 30, tradingSeconds: 30 };
const range = { fromMs: Date.UTC(2026, 0, 10), toMs: Date.UTC(2026, 0, 11) };

/** Stored rows back to API input (timestamps as ISO strings), to run them through the registry's validation. */
function asInput(table: TableName, rows: object[]): object[] {
  const def = TABLES[table].columns as Record<string, { type: string }>;
  return rows.map((row) =>
    Object.fromEntries(Object.entries(row).map(([k, v]) => [k, def[k].type === 'TIMESTAMP' && typeof v === 'number' ? formatIsoMicros(v) : v])),
  );
}

describe('demo rows', () => {
  const options = { ...DEFAULT_VALIDATION_OPTIONS, now: () => range.toMs };
  const daemon = [...daemonRows(universe, cadence, range)];
  const exchange = [...exchangeRows(universe, cadence, range)];
  const pipeline = [...pipelineRows(universe, cadence, range)];
  const trading = [...tradingRows(universe, cadence, range)];
  const api = [...apiCallRows(universe, cadence, range)];
  const heartbeat = [...heartbeatRows(universe, cadence, range)];

  it('pass the table registry validation', () => {
    expect(validateRows('daemon_metrics', asInput('daemon_metrics', daemon), options)).toHaveLength(daemon.length);
    expect(validateRows('exchange_status', asInput('exchange_status', exchange), options)).toHaveLength(exchange.length);
    expect(validateRows('pipeline_metrics', asInput('pipeline_metrics', pipeline), options)).toHaveLength(pipeline.length);
    expect(validateRows('trading_metrics', asInput('trading_metrics', trading), options)).toHaveLength(trading.length);
    expect(validateRows('exchange_api_calls', asInput('exchange_api_calls', api), options)).toHaveLength(api.length);
    expect(validateRows('collector_heartbeat', asInput('collector_heartbeat', heartbeat), options)).toHaveLength(heartbeat.length);
  });

  it('come in time order at the cadence, one row per entity and tick', () => {
    const ticks = 86_400 / cadence.daemonSeconds;
    expect(daemon).toHaveLength(ticks * universe.hosts.length);
    expect(daemon.every((r, i) => i === 0 || r.timestamp >= daemon[i - 1].timestamp)).toBe(true);
  });

  it('contain the incidents dashboards and alerts exist for: restarts, a down daemon, disconnects and gaps', () => {
    const restarts = daemon.filter((r, i) => {
      const prev = daemon.slice(0, i).reverse().find((p) => p.host === r.host);
      return prev !== undefined && Number(r.uptime_seconds) < Number(prev.uptime_seconds) && Number(r.fetch_count) < Number(prev.fetch_count);
    });
    expect(restarts.map((r) => r.host).sort()).toEqual([...universe.hosts].sort());
    expect(daemon.some((r) => !r.running && r.last_error)).toBe(true);
    expect(new Set(exchange.filter((r) => !r.connected).map((r) => r.exchange))).toEqual(new Set(universe.exchanges));
    expect(new Set(pipeline.filter((r) => r.gap_detected).map((r) => `${r.exchange}/${r.data_type}`)).size).toBe(universe.exchanges.length);
    expect(new Set(api.filter((r) => r.outcome === 'RateLimitExceeded').map((r) => r.exchange))).toEqual(new Set(universe.exchanges));
  });
});

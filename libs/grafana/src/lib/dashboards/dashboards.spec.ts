import type { Dashboard, GridPos, Panel } from '@grafana/grafana-foundation-sdk/dashboard';
import { dashboardSchemaErrors } from '../../testing/grafana-schema';
import { dashboardQueries } from '../dashboard-queries';
import { QUESTDB_DATASOURCE } from '../datasource';
import { QueryFormat } from '../sql/questdb-query';
import { DASHBOARDS } from './index';

const built = DASHBOARDS.map((d) => ({ def: d, json: JSON.parse(JSON.stringify(d.build())) as Dashboard }));
const panelsOf = (d: Dashboard) => (d.panels ?? []) as Panel[];

describe('generated dashboards', () => {
  it('validate against the Foundation SDK dashboard and panel schemas', () => {
    const errors = dashboardSchemaErrors(Object.fromEntries(built.map(({ def, json }) => [def.file, json])));
    expect(errors).toEqual([]);
  }, 60_000);

  it('the schema check rejects a wrong field type, an unknown property and an unknown enum value', () => {
    const good = built[0].json;
    const panel = panelsOf(good).find((p) => p.title === 'Memory (RSS)') ?? panelsOf(good)[0];
    const custom = { ...panel.fieldConfig?.defaults?.custom, drawStyle: 'wiggle' };
    const errors = dashboardSchemaErrors({
      wrongType: { ...good, refresh: 5 },
      unknownProperty: { ...good, panels: [{ ...panel, gridPoz: panel.gridPos }] },
      unknownEnum: { ...good, panels: [{ ...panel, fieldConfig: { ...panel.fieldConfig, defaults: { ...panel.fieldConfig?.defaults, custom } } }] },
    });
    expect(errors).toEqual([
      expect.stringMatching(/^wrongType: .*'number' is not assignable to type 'string'/),
      expect.stringMatching(/^unknownProperty panel "Memory \(RSS\)": .*gridPoz.* does not exist/s),
      expect.stringMatching(/^unknownEnum panel "Memory \(RSS\)": .*'"wiggle"' is not assignable/),
    ]);
  }, 60_000);

  it('have stable, unique uids and file names', () => {
    expect(built.map(({ json }) => json.uid)).toEqual([
      'tradewatch-health',
      'tradewatch-pipeline',
      'tradewatch-exchange',
      'tradewatch-trading',
    ]);
    expect(new Set(built.map(({ def }) => def.file)).size).toBe(built.length);
  });

  it('lay out panels on the 24-column grid without overlaps, with unique ids', () => {
    for (const { def, json } of built) {
      const panels = panelsOf(json);
      expect(new Set(panels.map((p) => p.id)).size).toBe(panels.length);
      for (const p of panels) {
        const g = p.gridPos as GridPos;
        expect({ panel: p.title, fits: g.x >= 0 && g.w > 0 && g.h > 0 && g.x + g.w <= 24 }).toEqual({ panel: p.title, fits: true });
      }
      const overlaps = panels.flatMap((a, i) =>
        panels.slice(i + 1).filter((b) => overlap(a.gridPos as GridPos, b.gridPos as GridPos)).map((b) => `${def.file}: "${a.title}" overlaps "${b.title}"`),
      );
      expect(overlaps).toEqual([]);
    }
  });

  it('the overlap check finds overlapping rectangles', () => {
    expect(overlap({ x: 0, y: 0, w: 12, h: 8 }, { x: 11, y: 7, w: 4, h: 4 })).toBe(true);
    expect(overlap({ x: 0, y: 0, w: 12, h: 8 }, { x: 12, y: 0, w: 12, h: 8 })).toBe(false);
    expect(overlap({ x: 0, y: 0, w: 12, h: 8 }, { x: 0, y: 8, w: 12, h: 8 })).toBe(false);
  });

  it('query the provisioned QuestDB datasource with the plugin model, time-filtered, time series sampled', () => {
    for (const { json } of built) {
      for (const p of panelsOf(json)) {
        expect(p.datasource).toEqual({ type: QUESTDB_DATASOURCE.type, uid: QUESTDB_DATASOURCE.uid });
        expect(p.targets?.length).toBeGreaterThan(0);
        for (const t of p.targets ?? []) {
          expect(t).toEqual({
            refId: expect.any(String),
            queryType: 'sql',
            rawSql: expect.stringContaining('$__timeFilter(timestamp)'),
            format: expect.any(Number),
            datasource: { type: QUESTDB_DATASOURCE.type, uid: QUESTDB_DATASOURCE.uid },
          });
        }
      }
      for (const q of dashboardQueries(json)) {
        if (q.format === QueryFormat.TimeSeries) expect(q.rawSql).toMatch(/SAMPLE BY \$__sampleByInterval/);
        else expect(q.rawSql).not.toMatch(/SAMPLE BY/);
      }
    }
  });

  it('have the panels the spec names, with fitting types', () => {
    const panels = Object.fromEntries(built.map(({ def, json }) => [def.file, Object.fromEntries(panelsOf(json).map((p) => [p.title, p.type]))]));
    expect(panels['health']).toMatchObject({
      'Running state': 'stat', Uptime: 'stat', 'Memory (RSS)': 'timeseries', CPU: 'timeseries',
      'Error rate': 'timeseries', 'Fetch rate': 'timeseries', 'Last error': 'table',
    });
    expect(panels['pipeline']).toMatchObject({
      'OI fetches per hour': 'timeseries', 'Funding fetches per hour': 'timeseries', 'Liquidations per minute': 'timeseries',
      'Data gaps': 'state-timeline', 'Parquet storage size': 'timeseries', 'Throughput by exchange': 'timeseries',
      'Fetch latency by exchange': 'timeseries',
    });
    expect(panels['exchange']).toMatchObject({
      'Connection status': 'stat', 'WebSocket latency': 'timeseries', Reconnections: 'timeseries',
      'Last message age': 'bargauge', Downtime: 'state-timeline',
    });
    expect(panels['trading']).toMatchObject({
      'Real-time PnL': 'timeseries', 'Orders per minute': 'timeseries', 'Exposure per symbol': 'bargauge',
      'Fill rate': 'timeseries', Drawdown: 'timeseries',
    });
  });

  it('offer env, host and exchange (multi-select with All) where the data has them, and refresh PnL every 5 s', () => {
    const vars = Object.fromEntries(built.map(({ def, json }) => [def.file, (json.templating.list ?? []).map((v) => v.name)]));
    expect(vars).toEqual({
      health: ['env', 'host'],
      pipeline: ['env', 'host', 'exchange'],
      exchange: ['env', 'host', 'exchange'],
      trading: ['env', 'strategy'],
    });
    for (const { json } of built) {
      for (const v of json.templating.list ?? []) expect({ name: v.name, multi: v.multi, includeAll: v.includeAll }).toEqual({ name: v.name, multi: true, includeAll: true });
    }
    expect(built.find(({ def }) => def.file === 'trading')?.json.refresh).toBe('5s');
  });
});

function overlap(a: GridPos, b: GridPos): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

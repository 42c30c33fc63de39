import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inventoryOptionsSchema, type InventoryOptions } from './inventory-config';
import { InventoryFileError, InventoryStore } from './inventory-store';
import { SourceInventory } from './source-inventory';
import { allCollected } from '../../testing/collected';

// Pure logic with a pinned clock (no QuestDB): the integration test covers the stored rows.
const T0 = Date.UTC(2026, 10, 30, 12, 0, 0);
const S = 1_000;
const MIN = 60 * S;
const DAY = 86_400 * S;

function setup(options: Partial<InventoryOptions> = {}) {
  const clock = { now: T0 };
  const inventory = new SourceInventory({
    options: inventoryOptionsSchema.parse({ cadencesMs: { daemon: 60_000, exchange: 10_000, strategy: 300_000 }, tolerance: 2, ...options }),
    pipeline: { cadencesMs: { oi: 300_000, funding: 3_600_000 }, tolerance: 1.5 },
    env: 'prod',
    now: () => clock.now,
  });
  const at = (ms: number) => (clock.now = T0 + ms);
  const us = (ms: number) => (T0 + ms) * 1000;
  return { inventory, at, us };
}

const daemonRow = (ts: number, host = 'd1', extra: object = {}) => ({ timestamp: ts, host, env: 'prod' as const, running: true, uptime_seconds: 10, ...extra });
const rowsOf = (inv: SourceInventory, table: string) => inv.silenceRows().get(table as never) ?? [];

describe('SourceInventory (pinned clock, no QuestDB)', () => {
  it('a daemon that reported and went silent gets a running=false row after cadence × tolerance, then one per cadence', () => {
    const { inventory, at, us } = setup();
    inventory.observe('daemon_metrics', [daemonRow(us(0))]);
    at(119 * S); // limit = 60 s × 2
    expect(rowsOf(inventory, 'daemon_metrics')).toEqual([]);
    expect(inventory.list()[0]).toMatchObject({ state: 'ok', ageSeconds: 119 });
    at(121 * S);
    expect(rowsOf(inventory, 'daemon_metrics')).toEqual([
      { timestamp: us(121 * S), host: 'd1', env: 'prod', running: false, last_error: 'silent: no report for 121s (expected every 60s)', last_error_at: us(121 * S) },
    ]);
    expect(inventory.list()[0]).toMatchObject({ state: 'silent', problem: 'silent: no report for 121s (expected every 60s)' });
    expect(inventory.silentCount()).toBe(1);
    at(150 * S);
    expect(rowsOf(inventory, 'daemon_metrics')).toEqual([]); // not again before a cadence has passed
    at(181 * S);
    expect(rowsOf(inventory, 'daemon_metrics')).toHaveLength(1);
  });

  it('keeps writing silence rows at the cadence through 8 days of silence', () => {
    const { inventory, at, us } = setup();
    inventory.observe('daemon_metrics', [daemonRow(us(0))]);
    let rows = 0;
    let last = '';
    for (let t = 0; t <= 8 * DAY; t += 5 * S) {
      at(t);
      for (const r of rowsOf(inventory, 'daemon_metrics')) {
        rows++;
        last = String(r['last_error']);
      }
    }
    // From 120 s to 8 days, one per 60 s (checked every 5 s: 125 s, 185 s, …).
    expect(rows).toBe(Math.floor((8 * DAY - 125 * S) / MIN) + 1);
    expect(last).toBe(`silent: no report for ${125 + 60 * (rows - 1)}s (expected every 60s)`);
    expect(125 + 60 * (rows - 1)).toBeGreaterThan((8 * DAY) / S - 60);
    expect(inventory.list()).toHaveLength(1); // not forgotten: 8 days < 90 days of retention
  });

  it('a report ends the silence; a running=false report is "down", not silent', () => {
    const { inventory, at, us } = setup();
    inventory.observe('daemon_metrics', [daemonRow(us(0))]);
    at(200 * S);
    expect(rowsOf(inventory, 'daemon_metrics')).toHaveLength(1);
    inventory.observe('daemon_metrics', [daemonRow(us(199 * S), 'd1', { running: false, last_error: 'disk full' })]);
    expect(rowsOf(inventory, 'daemon_metrics')).toEqual([]);
    expect(inventory.list()[0]).toMatchObject({ state: 'down', problem: 'not running: disk full' });
    expect(inventory.silentCount()).toBe(0);
  });

  it('an expected source that never reported is "waiting", then reported missing the same way', () => {
    const { inventory, at, us } = setup({
      expected: { daemons: [{ host: 'never', env: 'staging' }], exchanges: [{ exchange: 'okx', host: 'probe-1' }], pipeline: [], strategies: [] },
    } as Partial<InventoryOptions>);
    expect(inventory.list().map((s) => s.state)).toEqual(['waiting', 'waiting']);
    at(121 * S);
    const due = inventory.silenceRows();
    expect(due.get('daemon_metrics')).toEqual([
      { timestamp: us(121 * S), host: 'never', env: 'staging', running: false, last_error: 'silent: never reported since 121s ago (expected every 60s)', last_error_at: us(121 * S) },
    ]);
    expect(due.get('exchange_status')).toEqual([
      { timestamp: us(121 * S), exchange: 'okx', host: 'probe-1', env: 'prod', connected: false, last_message_at: null, disconnected_at: null },
    ]);
    expect(inventory.list().map((s) => [s.kind, s.state, s.expected])).toEqual([
      ['daemon', 'missing', true],
      ['exchange', 'missing', true],
    ]);
    expect(inventory.forget('daemon', { host: 'never', env: 'staging' })).toBe('expected');
  });

  it('an exchange feed gets connected=false with its last message and when it was last heard', () => {
    const { inventory, at, us } = setup();
    inventory.observe('exchange_status', [{ timestamp: us(0), exchange: 'binance', host: 'h', env: 'dev', connected: true, latency_ms: 5, last_message_at: us(-S) }]);
    at(25 * S);
    expect(rowsOf(inventory, 'exchange_status')).toEqual([
      { timestamp: us(25 * S), exchange: 'binance', host: 'h', env: 'dev', connected: false, last_message_at: us(-S), disconnected_at: us(0) },
    ]);
  });

  it('pipeline: defers to gap rows someone else writes (no double rows), then writes its own with the full silence', () => {
    const { inventory, at, us } = setup();
    const key = { exchange: 'okx', symbol: 'BTC/USDT', data_type: 'oi', host: 'p1', env: 'prod' as const };
    inventory.observe('pipeline_metrics', [{ timestamp: us(0), ...key, records_count: 5, gap_detected: false }]);
    // PipelineCollector's own "still silent" rows every minute after its limit (7.5 min).
    for (let m = 8; m <= 20; m++) {
      at(m * MIN);
      inventory.observe('pipeline_metrics', [{ timestamp: us(m * MIN), ...key, records_count: 0, bytes_written: 0, gap_detected: true, gap_duration_seconds: m * 60 }]);
      expect(rowsOf(inventory, 'pipeline_metrics')).toEqual([]);
      expect(inventory.list()[0]).toMatchObject({ state: 'silent', lastReportAt: '2026-11-30T12:00:00.000000Z' });
    }
    // It stopped (restart, or forgot the series): the inventory takes over once a cadence has passed.
    at(24 * MIN);
    expect(rowsOf(inventory, 'pipeline_metrics')).toEqual([]);
    at(25 * MIN + S);
    expect(rowsOf(inventory, 'pipeline_metrics')).toEqual([
      { timestamp: us(25 * MIN + S), ...key, records_count: 0, bytes_written: 0, latency_ms: null, gap_detected: true, gap_duration_seconds: 25 * 60 + 1 },
    ]);
  });

  it('pipeline series: the silence limit includes the aggregation interval (rows come at its end)', () => {
    const clock = { now: T0 };
    const inventory = new SourceInventory({
      options: inventoryOptionsSchema.parse({}),
      pipeline: { cadencesMs: { liquidation: 2_000 }, tolerance: 1.5, intervalMs: 5_000 },
      env: 'prod',
      now: () => clock.now,
    });
    inventory.observe('pipeline_metrics', [{ timestamp: T0 * 1000, exchange: 'okx', symbol: 'X', data_type: 'liquidation', host: 'p', env: 'prod', records_count: 1, gap_detected: false }]);
    clock.now = T0 + 7_900; // 2 s × 1.5 + 5 s
    expect(inventory.list()[0]).toMatchObject({ state: 'ok' });
    clock.now = T0 + 8_100;
    expect(inventory.list()[0]).toMatchObject({ state: 'silent' });
  });

  it('a pipeline series of a data type without a cadence is listed but never called silent', () => {
    const { inventory, at, us } = setup();
    inventory.observe('pipeline_metrics', [{ timestamp: us(0), exchange: 'okx', symbol: 'X', data_type: 'trades', host: 'p', env: 'prod', gap_detected: false }]);
    at(10 * DAY);
    expect(inventory.silenceRows().size).toBe(0);
    expect(inventory.list()[0]).toMatchObject({ state: 'ok', cadenceSeconds: null });
  });

  it('strategies: events are reports (a mark names no strategy); silence gives a row with every figure NULL', () => {
    const { inventory, at, us } = setup();
    const pos = { strategy: 's1', symbol: 'BTC/USDT', venue: 'okx', env: 'prod' as const };
    inventory.observeStrategyEvents([{ ...pos }, { symbol: 'BTC/USDT', venue: 'okx' }]);
    expect(inventory.list()).toHaveLength(1);
    at(10 * MIN + S);
    expect(rowsOf(inventory, 'trading_metrics')).toEqual([{ timestamp: us(10 * MIN + S), ...pos }]);
    inventory.observeStrategyEvents([{ ...pos, timestamp: us(10 * MIN + S) }]);
    expect(inventory.list()[0]).toMatchObject({ state: 'ok' });
    // The collector's own position rows give figures, not reports.
    at(30 * MIN);
    inventory.observeDerived('trading_metrics', [{ timestamp: us(30 * MIN), ...pos, pnl: 12.5, position_size: 2 }]);
    expect(inventory.list()[0]).toMatchObject({ state: 'silent', figures: { pnl: 12.5, position_size: 2 } });
    expect(rowsOf(inventory, 'trading_metrics')).toEqual([{ timestamp: us(30 * MIN), ...pos }]);
  });

  it('lists problems first, then by kind', () => {
    const { inventory, at, us } = setup();
    inventory.observe('exchange_status', [{ timestamp: us(0), exchange: 'okx', host: 'a', env: 'prod', connected: true }]);
    at(100 * S);
    inventory.observe('daemon_metrics', [daemonRow(us(100 * S), 'ok-daemon')]);
    inventory.observe('daemon_metrics', [daemonRow(us(100 * S), 'down-daemon', { running: false })]);
    expect(inventory.list().map((s) => `${s.state}:${Object.values(s.key)[0]}`)).toEqual(['silent:okx', 'down:down-daemon', 'ok:ok-daemon']);
  });

  it('forgets on request, and by itself after the forget horizon', () => {
    const { inventory, at, us } = setup({ forgetAfterDays: 2 });
    inventory.observe('daemon_metrics', [daemonRow(us(0), 'a'), daemonRow(us(0), 'b')]);
    expect(inventory.forget('daemon', { host: 'a', env: 'prod' })).toBe('forgotten');
    expect(inventory.forget('daemon', { host: 'a', env: 'prod' })).toBe('unknown');
    at(2 * DAY + S);
    inventory.silenceRows();
    expect(inventory.list()).toEqual([]);
  });

  it('series handles handed in with the rows find known sources; a forgotten or restored source is never updated through a stale handle', () => {
    const keyed = setup();
    const plain = setup();
    const rows = (t: number) => [daemonRow(keyed.us(t), 'd1'), daemonRow(keyed.us(t), 'd2', { running: false, last_error: 'oom' })];
    // The recorder's series handles are opaque objects, one per series.
    const keys = [{ series: 'd1' }, { series: 'd2' }];
    for (const t of [0, 10 * S, 20 * S]) {
      keyed.at(t);
      plain.at(t);
      keyed.inventory.observe('daemon_metrics', rows(t), keys);
      plain.inventory.observe('daemon_metrics', rows(t));
    }
    keyed.at(30 * S);
    plain.at(30 * S);
    expect(keyed.inventory.list()).toEqual(plain.inventory.list());
    expect(keyed.inventory.list().map((s) => [s.key['host'], s.ageSeconds])).toEqual([['d2', 10], ['d1', 10]]);

    // Forgotten, then reported again under the same series handle: a new source, listed and due for silence.
    expect(keyed.inventory.forget('daemon', { host: 'd1', env: 'prod' })).toBe('forgotten');
    keyed.inventory.observe('daemon_metrics', [daemonRow(keyed.us(30 * S), 'd1')], [keys[0]]);
    expect(keyed.inventory.list().find((s) => s.key['host'] === 'd1')).toMatchObject({ state: 'ok', ageSeconds: 0 });

    // Restored from a snapshot: the restored entry is the one later reports update.
    const saved = keyed.inventory.snapshot();
    keyed.inventory.restore(saved);
    keyed.at(200 * S);
    keyed.inventory.observe('daemon_metrics', [daemonRow(keyed.us(199 * S), 'd1')], [keys[0]]);
    expect(keyed.inventory.list().find((s) => s.key['host'] === 'd1')).toMatchObject({ state: 'ok', ageSeconds: 1 });
    expect(keyed.inventory.snapshot().sources.find((x) => x.key['host'] === 'd1')?.lastReportAt).toBe(keyed.us(199 * S));
  });

  it('history is no promise: rows older than the silence limit do not make a new source', () => {
    const { inventory, us } = setup();
    inventory.observe('daemon_metrics', [daemonRow(us(-3_600 * S), 'backfill'), daemonRow(us(-121 * S), 'backfill'), daemonRow(us(-30 * S), 'fresh')]);
    expect(inventory.list().map((s) => s.key['host'])).toEqual(['fresh']);
    inventory.observeStrategyEvents([{ strategy: 'old', symbol: 'X', venue: 'v', env: 'prod', timestamp: us(-3_600 * S) }]);
    expect(inventory.list()).toHaveLength(1);
    // A known source's old rows still count (e.g. a reporter replaying its spill after an outage).
    inventory.observe('daemon_metrics', [daemonRow(us(-3_600 * S), 'fresh')]);
    expect(inventory.list()[0]).toMatchObject({ lastReportAt: '2026-11-30T11:59:30.000000Z' });
  });

  it('survives a restart through the file beside the spool', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'inventory-'));
    const store = new InventoryStore(join(dir, 'inventory.json'));
    const first = setup();
    first.inventory.observe('daemon_metrics', [daemonRow(first.us(0), 'd1')]);
    first.at(200 * S);
    first.inventory.silenceRows();
    await store.save(first.inventory.snapshot());

    const second = setup();
    second.at(230 * S);
    const saved = await store.load();
    if (saved === undefined) throw new Error('nothing saved');
    second.inventory.restore(saved);
    expect(second.inventory.list()).toEqual(first.inventory.list().map((s) => ({ ...s, ageSeconds: 230, problem: 'silent: no report for 230s (expected every 60s)' })));
    expect(rowsOf(second.inventory, 'daemon_metrics')).toEqual([]); // the last silence row was 30 s ago
    second.at(261 * S);
    expect(rowsOf(second.inventory, 'daemon_metrics')).toHaveLength(1);
  });

  it('an unreadable saved inventory is a typed error naming the file and the field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'inventory-'));
    const path = join(dir, 'inventory.json');
    writeFileSync(path, JSON.stringify({ version: 1, sources: [{ kind: 'daemon' }] }));
    await expect(new InventoryStore(path).load()).rejects.toThrow(InventoryFileError);
    await expect(new InventoryStore(path).load()).rejects.toThrow(/inventory\.json: sources\.0\.key/);
    expect(await new InventoryStore(join(dir, 'absent.json')).load()).toBeUndefined();
  });
});

describe('SourceInventory and the rows it observes', () => {
  it('keeps a copy of each source’s last row, never the row itself (it would live until the source reports again)', async () => {
    const { inventory, at, us } = setup();
    at(0);
    // Rows made and observed in a scope of their own: only the inventory could still hold them.
    const observe = (t: number, extra: object) => {
      const rows = [daemonRow(us(t), 'd1', extra), daemonRow(us(t), 'd2', extra)];
      inventory.observe('daemon_metrics', rows, [{ series: 'd1' }, { series: 'd2' }]);
      return rows.map((r) => new WeakRef(r));
    };
    const first = observe(0, { running: false, last_error: 'oom' });
    const second = observe(S, { running: true, uptime_seconds: 11 });
    expect(await allCollected([...first, ...second])).toBe(true);
    at(2 * S);
    expect(inventory.list().map((s) => [s.key['host'], s.state, s.figures])).toEqual([
      ['d1', 'ok', expect.objectContaining({ running: true, uptime_seconds: 11 })],
      ['d2', 'ok', expect.objectContaining({ running: true, uptime_seconds: 11 })],
    ]);
    // A snapshot is a value: later reports do not change it.
    const saved = inventory.snapshot();
    observe(2 * S, { running: false, uptime_seconds: 12 });
    expect(saved.sources.map((s) => s.last?.['uptime_seconds'])).toEqual([11, 11]);
  });
});

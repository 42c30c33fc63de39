import { CounterContinuity, validateRows, type DaemonMetricsRow } from '@tradewatch/models';
import { batchEncoder } from '@tradewatch/questdb-client';
import { DAEMON_HOSTS, DaemonBodies, IlpBodies, PipelineBodies, pipelineRows, SERIES } from './bench-rows';

describe('benchmark rows', () => {
  it('are valid pipeline_metrics rows with unique dedup keys, in time order', () => {
    const rows = pipelineRows(2_500, 1_700_000_000_000_000);
    const keys = new Set(rows.map((r) => `${r.timestamp}|${r.exchange}|${r.symbol}|${r.data_type}|${r.host}`));
    expect(keys.size).toBe(2_500);
    expect(rows.every((r, i) => i === 0 || r.timestamp >= rows[i - 1].timestamp)).toBe(true);
    expect(rows.at(-1)?.timestamp).toBeLessThan(1_700_000_000_000_000);
  });

  // Whole seconds an hour ago: inside the retention and the future-skew window of validation.
  const recent = Math.floor(Date.now() / 1000) * 1_000_000 - 3_600_000_000;

  it('JSON bodies pass the collector validation and differ only by timestamp', () => {
    const bodies = new PipelineBodies(1_500);
    const parsed = JSON.parse(bodies.body(recent)) as unknown[];
    const rows = validateRows('pipeline_metrics', parsed);
    expect(rows).toHaveLength(1_500);
    expect(rows[0].timestamp).toBe(recent);
    expect(rows[SERIES.length].timestamp).toBe(recent + 1);
    expect(new Set(rows.map((r) => `${r.timestamp}|${r.exchange}|${r.symbol}|${r.data_type}`)).size).toBe(1_500);
  });

  it('ILP bodies hold the same rows as the JSON bodies, encoded as the collector encodes them', () => {
    const rows = validateRows('pipeline_metrics', JSON.parse(new PipelineBodies(1_200).body(recent)) as unknown[]);
    expect(new IlpBodies(1_200).body(recent)).toBe(batchEncoder('pipeline_metrics')(rows).toString('utf8'));
    expect(new IlpBodies(2, { suffix: false }).body(recent)).toMatch(new RegExp(`^pipeline_metrics,.* ${recent}\\n.* ${recent}\\n$`));
  });

  describe('daemon_metrics bodies', () => {
    const startedAt = recent - 3_600_000_000;
    const COUNTERS = ['fetch_count', 'error_count', 'liquidation_count'] as const;
    // Successive bodies as the load sends them: 2,500 rows (1,000 hosts, then a second and third round), 40 s apart.
    const bodies = new DaemonBodies(2_500, startedAt);
    const batches = Array.from({ length: 5 }, (_, k) => validateRows('daemon_metrics', JSON.parse(bodies.body(recent + k * 40_000_000)) as unknown[]));

    it('pass the collector validation: one row per daemon and timestamp, varied values', () => {
      const rows = batches[0];
      expect(rows).toHaveLength(2_500);
      expect(new Set(rows.map((r) => r.host)).size).toBe(DAEMON_HOSTS.length);
      expect(new Set(rows.map((r) => `${r.timestamp}|${r.host}|${r.env}`)).size).toBe(2_500);
      expect(rows[0].timestamp).toBe(recent);
      expect(rows[DAEMON_HOSTS.length].timestamp).toBe(recent + 1);
      expect(rows[0].uptime_seconds).toBe(3_600);
      expect(new Set(rows.map((r) => r.fetch_count)).size).toBeGreaterThan(50);
      expect(rows.some((r) => r.last_error !== null && r.last_error_at === startedAt)).toBe(true);
      expect(rows.some((r) => !r.running)).toBe(true);
    });

    it('have counters that go up over successive bodies and never down, in every series', () => {
      const byHost = new Map<string, DaemonMetricsRow[]>();
      for (const r of batches.flat()) {
        const series = byHost.get(r.host);
        if (series) series.push(r);
        else byHost.set(r.host, [r]);
      }
      const downs: string[] = [];
      let rises = 0;
      for (const series of byHost.values()) {
        series.sort((a, b) => a.timestamp - b.timestamp);
        for (let i = 1; i < series.length; i++) {
          const [a, b] = [series[i - 1], series[i]];
          for (const c of [...COUNTERS, 'uptime_seconds'] as const) {
            if ((b[c] ?? 0) < (a[c] ?? 0)) downs.push(`${b.host} ${c} ${a[c]} → ${b[c]}`);
          }
          if ((b.fetch_count ?? 0) > (a.fetch_count ?? 0)) rises++;
        }
      }
      expect(downs).toEqual([]);
      // fetch_count rises from one body to the next in every series (at least 20 per second, 40 s apart).
      expect(rises).toBeGreaterThanOrEqual(DAEMON_HOSTS.length * 4);
    });

    it("are admitted by the collector's counter continuity check in any arrival order", () => {
      const continuity = new CounterContinuity();
      for (const k of [3, 0, 4, 1, 2]) expect(continuity.admit(batches[k]).issues).toEqual([]);
      // The check can fail: a sample whose counter is below an earlier one of its series is refused.
      const lower = { ...batches[4][0], timestamp: batches[4][0].timestamp + 1, fetch_count: 0 };
      expect(continuity.admit([lower]).issues).toEqual([expect.objectContaining({ path: 'fetch_count' })]);
    });
  });
});

import { CounterContinuity } from './counter-continuity';
import type { DaemonMetricsRow } from './registry';

const row = (t: number, fetch: number, uptime: number, host = 'h1'): DaemonMetricsRow => ({
  timestamp: t,
  host,
  env: 'prod',
  running: true,
  fetch_count: fetch,
  error_count: 0,
  uptime_seconds: uptime,
});

describe('CounterContinuity', () => {
  it('accepts counters that grow', () => {
    const c = new CounterContinuity();
    expect(c.check([row(1, 10, 100), row(2, 12, 105)])).toEqual([]);
  });

  it('accepts a counter that goes down when uptime went down too (a restart)', () => {
    const c = new CounterContinuity();
    c.commit([row(1, 500, 1000)]);
    expect(c.check([row(2, 3, 4)])).toEqual([]);
  });

  it('rejects a counter that goes down without a restart, within a batch and across batches', () => {
    const c = new CounterContinuity();
    expect(c.check([row(1, 10, 100), row(2, 9, 105)])).toEqual([
      { row: 1, path: 'fetch_count', message: 'went down from 10 to 9 without a restart (uptime_seconds did not go down)' },
    ]);
    c.commit([row(1, 10, 100)]);
    expect(c.check([row(3, 2, 200)])).toHaveLength(1);
  });

  it('keeps hosts apart and ignores rows older than the baseline', () => {
    const c = new CounterContinuity();
    c.commit([row(10, 100, 100, 'a')]);
    expect(c.check([row(11, 1, 200, 'b')])).toEqual([]);
    expect(c.check([row(5, 1, 200, 'a')])).toEqual([]);
  });

  it('does not advance its baseline from a rejected batch', () => {
    const c = new CounterContinuity();
    c.commit([row(1, 10, 100)]);
    c.check([row(2, 50, 110)]); // checked but never committed
    expect(c.check([row(3, 20, 120)])).toEqual([]);
  });
});

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
const paths = (r: { issues: { path: string; row: number }[] }) => r.issues.map((i) => `${i.row}:${i.path}`);

describe('CounterContinuity (neighbours in time order)', () => {
  it('accepts counters that grow, and a counter that goes down when uptime went down too (a restart)', () => {
    const c = new CounterContinuity();
    expect(c.admit([row(1, 10, 100), row(2, 12, 105)]).issues).toEqual([]);
    expect(c.admit([row(3, 3, 4)]).issues).toEqual([]);
  });

  it('rejects a counter that goes down without a restart, within a batch and across batches', () => {
    const c = new CounterContinuity();
    expect(c.admit([row(1, 10, 100), row(2, 9, 105)]).issues).toEqual([
      { row: 1, path: 'fetch_count', message: 'went down from 10 to 9 without a restart (uptime_seconds did not go down)' },
    ]);
    expect(c.admit([row(1, 10, 100)]).issues).toEqual([]);
    expect(paths(c.admit([row(2, 9, 105)]))).toEqual(['0:fetch_count']);
  });

  it('rejects a backdated row whose counter is above the later stored sample', () => {
    const c = new CounterContinuity();
    c.admit([row(10, 100, 100), row(30, 120, 120)]);
    expect(paths(c.admit([row(20, 150, 110)]))).toEqual(['0:fetch_count']);
    expect(paths(c.admit([row(20, 90, 110)]))).toEqual(['0:fetch_count']);
    expect(c.admit([row(20, 110, 110)]).issues).toEqual([]);
  });

  it('checks a same-timestamp upsert against the samples before and after it', () => {
    const c = new CounterContinuity();
    c.admit([row(10, 100, 100), row(20, 110, 110), row(30, 120, 120)]);
    expect(paths(c.admit([row(20, 50, 110)]))).toEqual(['0:fetch_count']);
    expect(paths(c.admit([row(20, 130, 110)]))).toEqual(['0:fetch_count']);
    expect(c.admit([row(20, 115, 110)]).issues).toEqual([]);
    // The upsert replaced the sample at 20: 112 after it would go down from 115.
    expect(paths(c.admit([row(25, 112, 115)]))).toEqual(['0:fetch_count']);
  });

  it('rolls back an admission, so rows that were not stored are no baseline', () => {
    const c = new CounterContinuity();
    c.admit([row(1, 10, 100)]);
    const { admission } = c.admit([row(2, 500, 105)]);
    admission.rollback();
    expect(c.admit([row(3, 20, 110)]).issues).toEqual([]);
  });

  it('keeps hosts apart', () => {
    const c = new CounterContinuity();
    c.admit([row(1, 500, 100, 'a')]);
    expect(c.admit([row(2, 1, 105, 'b')]).issues).toEqual([]);
  });

  it('bounds the history per series and checks a row older than all of it against the oldest kept', () => {
    const c = new CounterContinuity(3);
    c.admit([row(10, 10, 10), row(20, 20, 20), row(30, 30, 30), row(40, 40, 40)]);
    expect(paths(c.admit([row(5, 25, 5)]))).toEqual(['0:fetch_count']);
    expect(c.admit([row(5, 15, 5)]).issues).toEqual([]);
  });
});

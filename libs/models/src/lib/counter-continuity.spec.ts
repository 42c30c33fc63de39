import fc from 'fast-check';
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

  it('an unknown (null) uptime proves no restart; a null counter is no baseline', () => {
    const c = new CounterContinuity();
    c.admit([row(1, 10, 100)]);
    expect(paths(c.admit([{ ...row(2, 5, 0), uptime_seconds: null }]))).toEqual(['0:fetch_count']);
    expect(c.admit([{ ...row(3, 0, 110), fetch_count: null }]).issues).toEqual([]);
    expect(c.admit([row(4, 1, 120)]).issues).toEqual([]);
  });

  it('keeps hosts apart', () => {
    const c = new CounterContinuity();
    c.admit([row(1, 500, 100, 'a')]);
    expect(c.admit([row(2, 1, 105, 'b')]).issues).toEqual([]);
  });

  it('bounds the history per series and checks a row older than all of it against the oldest kept', () => {
    const c = new CounterContinuity(3);
    c.admit([10, 20, 30, 40, 50, 60, 70].map((t) => row(t, t, t)));
    expect(paths(c.admit([row(5, 55, 5)]))).toEqual(['0:fetch_count']);
    expect(c.admit([row(5, 45, 5)]).issues).toEqual([]);
  });

  it('property: whatever the arrival order, the stored series (upserts applied) never goes down without a restart', () => {
    const sample = fc.record({ t: fc.integer({ min: 0, max: 40 }), fetch: fc.integer({ min: 0, max: 30 }), uptime: fc.integer({ min: 0, max: 30 }) });
    fc.assert(
      fc.property(fc.array(fc.array(sample, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 30 }), fc.array(fc.boolean()), (batches, failures) => {
        const c = new CounterContinuity();
        const stored = new Map<number, DaemonMetricsRow>();
        batches.forEach((batch, k) => {
          const rows = batch.map((b) => row(b.t, b.fetch, b.uptime));
          const { issues, admission } = c.admit(rows);
          if (issues.length > 0) return;
          // Some batches fail to be stored (the sink refused them): rolled back, never stored.
          if (failures[k]) return void admission.rollback();
          for (const r of rows) stored.set(r.timestamp, r);
        });
        const series = [...stored.values()].sort((a, b) => a.timestamp - b.timestamp);
        for (let i = 1; i < series.length; i++) {
          const [a, b] = [series[i - 1], series[i]];
          const restarted = (b.uptime_seconds as number) < (a.uptime_seconds as number);
          if (!restarted) expect(b.fetch_count).toBeGreaterThanOrEqual(a.fetch_count as number);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('property: with handles for (host, env), the same answers as without, batch after batch, even when two checks share the handles', () => {
    const sample = fc.record({ h: fc.integer({ min: 0, max: 2 }), t: fc.integer({ min: 0, max: 20 }), fetch: fc.integer({ min: 0, max: 20 }), uptime: fc.integer({ min: 0, max: 20 }) });
    fc.assert(
      fc.property(fc.array(fc.array(sample, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 20 }), fc.array(fc.boolean()), fc.array(fc.boolean()), (batches, dropHandle, toOther) => {
        const plain = [new CounterContinuity(), new CounterContinuity()];
        const handled = [new CounterContinuity(), new CounterContinuity()];
        // One handle per host, as the series limits keep one per series; some rows come without one (a series not yet held).
        const handles = [{}, {}, {}];
        batches.forEach((batch, k) => {
          const c = toOther[k] ? 1 : 0;
          const rows = batch.map((b) => row(b.t, b.fetch, b.uptime, `h${b.h}`));
          const expected = plain[c].admit(rows).issues;
          const got = handled[c].admit(rows, batch.map((b, i) => (dropHandle[k + i] ? undefined : handles[b.h]))).issues;
          expect(got).toEqual(expected);
        });
      }),
      { numRuns: 500 },
    );
  });
});


import type { IngestResult } from './ingest-bench';
import { ingestRuns } from './rounds';

const run = (rowsPerSecond: number, storedRows = 10): IngestResult => ({ rowsPerSecond, storedRows }) as IngestResult;

describe('ingestRuns', () => {
  it('quotes the run with the median rows/s, keeping every run in round order', () => {
    const rounds = [run(300), run(100), run(200)];
    const runs = ingestRuns(rounds);
    expect(runs.median).toBe(rounds[2]);
    expect(runs.all.map((r) => r.rowsPerSecond)).toEqual([300, 100, 200]);
  });

  it('takes the lower middle of an even count, and the only run of one', () => {
    expect(ingestRuns([run(400), run(100), run(300), run(200)]).median.rowsPerSecond).toBe(200);
    const only = run(5);
    expect(ingestRuns([only]).median).toBe(only);
  });

  it('refuses no runs', () => {
    expect(() => ingestRuns([])).toThrow('no runs');
  });
});

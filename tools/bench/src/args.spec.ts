import { parseBenchArgs } from './args';

describe('parseBenchArgs', () => {
  it('defaults to the full run written to docs/benchmarks.md', () => {
    expect(parseBenchArgs([])).toMatchObject({ sections: ['writer', 'http', 'dashboards'], rows: 200_000, rounds: 3, httpRounds: 3, durationSeconds: 15, days: 30, out: 'docs/benchmarks.md', quick: false });
  });

  it('--quick shrinks every size and writes nothing unless --out is given', () => {
    expect(parseBenchArgs(['--quick'])).toMatchObject({ rows: 20_000, rounds: 1, httpRounds: 1, durationSeconds: 6, loads: [{ clients: 8, rows: 1_000 }], days: 1, out: undefined });
    expect(parseBenchArgs(['--quick', '--duration', '30', '--out', 'x.md'])).toMatchObject({ durationSeconds: 30, out: 'x.md' });
  });

  it('names the bad option', () => {
    expect(() => parseBenchArgs(['--duration', 'ten'])).toThrow('--duration: "ten" is not a positive integer');
    expect(() => parseBenchArgs(['--only', 'writer,disk'])).toThrow('--only: unknown section(s) disk');
    expect(() => parseBenchArgs(['--loads', '8x20000'])).toThrow('--loads: 20000 rows');
    expect(() => parseBenchArgs(['--loads', '8by1000'])).toThrow('--loads: "8by1000" is not <clients>x<rows>');
    expect(() => parseBenchArgs(['--bogus'])).toThrow("Unknown option '--bogus'");
  });

  it('reads the loads, each clients x rows', () => {
    expect(parseBenchArgs([])?.loads).toEqual([{ clients: 8, rows: 1_000 }, { clients: 32, rows: 1_000 }, { clients: 8, rows: 5_000 }]);
    expect(parseBenchArgs(['--loads', '4x500, 2×10000'])?.loads).toEqual([{ clients: 4, rows: 500 }, { clients: 2, rows: 10_000 }]);
  });

  it('--help returns nothing to run', () => {
    expect(parseBenchArgs(['--help'])).toBeUndefined();
  });
});

import { parseBenchArgs } from './args';

describe('parseBenchArgs', () => {
  it('defaults to the full run written to docs/benchmarks.md', () => {
    expect(parseBenchArgs([])).toMatchObject({ sections: ['writer', 'http', 'dashboards'], rows: 200_000, rounds: 5, durationSeconds: 60, days: 30, out: 'docs/benchmarks.md', quick: false });
  });

  it('--quick shrinks every size and writes nothing unless --out is given', () => {
    expect(parseBenchArgs(['--quick'])).toMatchObject({ rows: 20_000, rounds: 1, durationSeconds: 10, days: 1, out: undefined });
    expect(parseBenchArgs(['--quick', '--duration', '30', '--out', 'x.md'])).toMatchObject({ durationSeconds: 30, out: 'x.md' });
  });

  it('names the bad option', () => {
    expect(() => parseBenchArgs(['--duration', 'ten'])).toThrow('--duration: "ten" is not a positive integer');
    expect(() => parseBenchArgs(['--only', 'writer,disk'])).toThrow('--only: unknown section(s) disk');
    expect(() => parseBenchArgs(['--batch', '20000'])).toThrow('--batch');
    expect(() => parseBenchArgs(['--bogus'])).toThrow("Unknown option '--bogus'");
  });

  it('--help returns nothing to run', () => {
    expect(parseBenchArgs(['--help'])).toBeUndefined();
  });
});

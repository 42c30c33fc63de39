import { formatMs, median, percentile } from './stats';

describe('stats', () => {
  it('median of odd and even counts, unsorted input left alone', () => {
    const xs = [5, 1, 3];
    expect(median(xs)).toBe(3);
    expect(xs).toEqual([5, 1, 3]);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it('nearest-rank percentiles', () => {
    const xs = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(xs, 50)).toBe(50);
    expect(percentile(xs, 99)).toBe(99);
    expect(percentile(xs, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([1, 2, 3, 1000], 99)).toBe(1000);
    expect(() => percentile(xs, 101)).toThrow('between 0 and 100');
  });

  it('formats durations for the report', () => {
    expect(formatMs(1234)).toBe('1.23 s');
    expect(formatMs(12.3)).toBe('12 ms');
    expect(formatMs(0.42)).toBe('0.42 ms');
    expect(formatMs(Number.NaN)).toBe('n/a');
  });
});

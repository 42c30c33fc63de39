import { holds, reduce } from './evaluate';
import { durationSeconds, formatDuration } from './sdk-rules';

describe('reduce (dropNN, as Grafana)', () => {
  it('drops nulls, then reduces', () => {
    expect(reduce('last', [1, 2, null])).toBe(2);
    expect(reduce('mean', [1, null, 3])).toBe(2);
    expect(reduce('max', [1, 5, null])).toBe(5);
    expect(reduce('min', [4, 2])).toBe(2);
    expect(reduce('sum', [1, 2, 3])).toBe(6);
    expect(reduce('last', [null, null])).toBeNull();
  });
});

describe('threshold', () => {
  it('evaluates gt, lt and (exclusive) ranges', () => {
    expect(holds({ type: 'gt', params: [5] }, 5)).toBe(false);
    expect(holds({ type: 'gt', params: [5] }, 5.1)).toBe(true);
    expect(holds({ type: 'lt', params: [5] }, 4)).toBe(true);
    expect(holds({ type: 'within_range', params: [5, 10] }, 7)).toBe(true);
    expect(holds({ type: 'within_range', params: [5, 10] }, 12)).toBe(false);
    expect(holds({ type: 'outside_range', params: [5, 10] }, 12)).toBe(true);
  });
});

describe('durations', () => {
  it('parse and format Grafana durations', () => {
    expect(durationSeconds('30s')).toBe(30);
    expect(durationSeconds('5m')).toBe(300);
    expect(formatDuration(60)).toBe('1m');
    expect(formatDuration(90)).toBe('90s');
    expect(formatDuration(86_400)).toBe('1d');
    expect(() => durationSeconds('5 minutes')).toThrow(/not a duration/);
  });
});

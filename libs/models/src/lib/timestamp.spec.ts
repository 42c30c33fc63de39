import { formatIsoMicros, parseIsoMicros } from './timestamp';

describe('timestamps in epoch microseconds', () => {
  it('round-trips microseconds through ISO text as QuestDB prints it', () => {
    const text = '2026-01-02T03:04:05.000006Z';
    expect(parseIsoMicros(text)).toBe(Date.UTC(2026, 0, 2, 3, 4, 5) * 1000 + 6);
    expect(formatIsoMicros(parseIsoMicros(text) as number)).toBe(text);
  });

  it('accepts Z, +00:00 and fewer or more fraction digits (truncating below a microsecond)', () => {
    expect(parseIsoMicros('2026-01-02T03:04:05Z')).toBe(Date.UTC(2026, 0, 2, 3, 4, 5) * 1000);
    expect(parseIsoMicros('2026-01-02T03:04:05.5+00:00')).toBe(Date.UTC(2026, 0, 2, 3, 4, 5) * 1000 + 500_000);
    expect(parseIsoMicros('2026-01-02T03:04:05.123456789Z')).toBe(Date.UTC(2026, 0, 2, 3, 4, 5) * 1000 + 123_456);
  });

  it('refuses non-UTC and impossible times', () => {
    expect(parseIsoMicros('2026-01-02T03:04:05+01:00')).toBeUndefined();
    expect(parseIsoMicros('2026-01-02T24:00:00Z')).toBeUndefined();
    expect(parseIsoMicros('2026-02-29T00:00:00Z')).toBeUndefined();
    expect(parseIsoMicros('2028-02-29T00:00:00Z')).toBeDefined();
  });
});

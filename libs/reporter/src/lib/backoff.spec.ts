import { backoffDelay, retryAfterMs } from './backoff';

describe('backoffDelay', () => {
  const o = { baseMs: 100, maxMs: 1_000 };
  it('doubles per attempt up to the maximum, with half of each delay random', () => {
    expect([0, 1, 2, 3, 4, 10].map((a) => backoffDelay(a, o, () => 0))).toEqual([50, 100, 200, 400, 500, 500]);
    expect([0, 1, 2, 3, 4, 10].map((a) => backoffDelay(a, o, () => 1))).toEqual([100, 200, 400, 800, 1_000, 1_000]);
  });
});

describe('retryAfterMs', () => {
  it('reads delta-seconds and HTTP dates; undefined when absent or unreadable', () => {
    const now = Date.UTC(2026, 10, 30, 12, 0, 0);
    expect(retryAfterMs('3', now)).toBe(3_000);
    expect(retryAfterMs(' 0 ', now)).toBe(0);
    expect(retryAfterMs('Mon, 30 Nov 2026 12:00:05 GMT', now)).toBe(5_000);
    expect(retryAfterMs('Mon, 30 Nov 2026 11:00:00 GMT', now)).toBe(0);
    expect(retryAfterMs(null, now)).toBeUndefined();
    expect(retryAfterMs('soon', now)).toBeUndefined();
  });
});

import { RollupRefresher } from './rollup-refresher';

// Timing logic only, with a FAKE refresh function (the real request is tested against QuestDB in
// libs/questdb-client and through the collector in apps/collector).
describe('RollupRefresher (fake refresh)', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  const setup = (intervalMs: number, outcomes: (Error | undefined)[] = []) => {
    const calls: number[] = [];
    const errors: string[] = [];
    let failed = 0;
    const refresher = new RollupRefresher({
      intervalMs,
      refresh: async () => {
        calls.push(Date.now());
        const outcome = outcomes.shift();
        if (outcome) throw outcome;
      },
      onError: (error, context) => errors.push(`${context}: ${error.message}`),
      failed: () => failed++,
    });
    return { refresher, calls, errors, failed: () => failed };
  };

  it('asks at start and then every interval', async () => {
    const { refresher, calls } = setup(10_000);
    await refresher.start();
    await jest.advanceTimersByTimeAsync(35_000);
    await refresher.stop();
    expect(calls).toHaveLength(4); // 0, 10, 20, 30 s
    await jest.advanceTimersByTimeAsync(30_000);
    expect(calls).toHaveLength(4); // stopped
  });

  it('reports a failure once per streak, counts every one, and goes on asking', async () => {
    const down = new Error('QuestDB unreachable');
    const { refresher, calls, errors, failed } = setup(1_000, [down, down, down, undefined, down]);
    await refresher.start();
    await jest.advanceTimersByTimeAsync(4_500);
    await refresher.stop();
    expect(calls).toHaveLength(5);
    expect(failed()).toBe(4);
    expect(errors).toEqual(['refreshing the rollups (retried every interval): QuestDB unreachable', 'refreshing the rollups (retried every interval): QuestDB unreachable']);
  });

  it('an interval of 0 never asks (another collector refreshes); tick still asks on demand', async () => {
    const { refresher, calls } = setup(0);
    await refresher.start();
    await jest.advanceTimersByTimeAsync(60_000);
    expect(calls).toHaveLength(0);
    await refresher.tick();
    expect(calls).toHaveLength(1);
  });
});

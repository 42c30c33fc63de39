import { evaluationTimes, RuleReplay } from './backtest';
import type { Evaluation } from './evaluate';
import { RULE_GROUPS } from './rules';

// Pure state-machine tests with hand-made evaluation results (no QuestDB): a fake `evaluateAt`.
const rule = RULE_GROUPS.flatMap((g) => g.rules).find((r) => r.uid === 'tw-daemon-cpu');
if (!rule) throw new Error('tw-daemon-cpu missing');
const STEP = 30_000;
const result = (...series: [string, boolean][]) =>
  new Map<string, Evaluation>(series.map(([host, condition]) => [host, { labels: { host }, value: condition ? 99 : 1, condition }]));

describe('RuleReplay (fake evaluations)', () => {
  it('goes Pending, then Alerting after `for` (5m), and resolves; a gap in the condition restarts the pending period', () => {
    const replay = new RuleReplay(rule, STEP);
    const holds = (t: number) => t >= 60_000 && t !== 150_000; // false once at 150 s
    for (let t = 0; t <= 600_000; t += STEP) replay.step(t, result(['a', t < 540_000 && holds(t)]));
    expect(replay.episodes().map(({ pendingAt, firingAt, resolvedAt }) => ({ pendingAt, firingAt, resolvedAt }))).toEqual([
      { pendingAt: 60_000, firingAt: null, resolvedAt: 150_000 },
      // Pending again at 180 s; 5 minutes later, at 480 s, it fires; false from 540 s.
      { pendingAt: 180_000, firingAt: 480_000, resolvedAt: 540_000 },
    ]);
  });

  it('resolves a label set that disappears from the result for two intervals (stale series)', () => {
    const replay = new RuleReplay({ ...rule, for: '0s' }, STEP);
    replay.step(0, result(['a', true], ['b', true]));
    replay.step(STEP, result(['b', true]));
    replay.step(2 * STEP, result(['b', true]));
    const a = replay.episodes().find((e) => e.labels['host'] === 'a');
    expect(a).toMatchObject({ firingAt: 0, resolvedAt: 2 * STEP });
    expect(replay.episodes().find((e) => e.labels['host'] === 'b')).toMatchObject({ firingAt: 0, resolvedAt: null });
  });

  it('enters Error on a failed query and leaves it when a query succeeds', () => {
    const replay = new RuleReplay(rule, STEP);
    replay.step(0, new Error('QuestDB is unreachable'));
    replay.step(STEP, result(['a', false]));
    expect(replay.episodes()).toEqual([expect.objectContaining({ state: 'Error', firingAt: 0, resolvedAt: STEP, reason: 'QuestDB is unreachable' })]);
  });
});

describe('evaluationTimes', () => {
  it('ticks at multiples of the interval within the range', () => {
    expect(evaluationTimes(10_000, 100_000, STEP)).toEqual([30_000, 60_000, 90_000]);
    expect(evaluationTimes(0, 60_000, STEP)).toEqual([0, 30_000, 60_000]);
  });
});

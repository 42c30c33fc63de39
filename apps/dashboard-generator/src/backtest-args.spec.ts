import { backtestRequest, progressPrinter, UsageError } from './backtest-args';

const NOW = Date.UTC(2026, 10, 30, 12, 0, 0);

describe('backtestRequest', () => {
  it('reads --from, --to (default now) and --rule', () => {
    const r = backtestRequest({ from: 'now-7d', rule: 'tw-daemon-down,tw-trading-silent' }, NOW);
    expect([r.fromMs, r.toMs]).toEqual([NOW - 7 * 86_400_000, NOW]);
    expect(r.groups.flatMap((g) => g.rules.map((x) => x.uid))).toEqual(['tw-daemon-down', 'tw-trading-silent']);
    expect(backtestRequest({ from: '2026-11-01', to: '2026-11-02T06:00:00Z' }, NOW)).toMatchObject({ fromMs: Date.UTC(2026, 10, 1), toMs: Date.UTC(2026, 10, 2, 6) });
  });

  it('names the flag in a human error', () => {
    expect(() => backtestRequest({}, NOW)).toThrow(new UsageError('alerts-backtest needs --from (and optionally --to, default now)'));
    expect(() => backtestRequest({ from: 'yesterday' }, NOW)).toThrow(/^--from: "yesterday" is not a time/);
    expect(() => backtestRequest({ from: 'now', to: 'now-1h' }, NOW)).toThrow(/--from must be before --to/);
    expect(() => backtestRequest({ from: 'now-1h', rule: 'tw-nope' }, NOW)).toThrow(/--rule: unknown rule tw-nope/);
  });
});

describe('progressPrinter', () => {
  it('prints a line every 10 % when not on a terminal', () => {
    const lines: string[] = [];
    const print = progressPrinter({ isTTY: false, write: (s: string) => lines.push(s) } as unknown as NodeJS.WriteStream);
    for (let i = 1; i <= 200; i++) print(i, 200);
    expect(lines).toHaveLength(11);
    expect(lines.at(-1)).toBe('evaluations 200/200 (100 %)\n');
  });
});

import { RULE_GROUPS, type RuleGroupSpec } from '@tradewatch/grafana';
import { TradewatchError } from '@tradewatch/models';
import { parseTimeArg } from '@tradewatch/ops';

/** Bad command-line use: exit status 2 with the usage. */
export class UsageError extends TradewatchError {
  readonly code = 'usage';
}

export interface BacktestRequest {
  fromMs: number;
  toMs: number;
  groups: RuleGroupSpec[];
}

function time(flag: string, text: string, nowMs: number): number {
  const micros = parseTimeArg(text, nowMs);
  if (micros === undefined) throw new UsageError(`--${flag}: "${text}" is not a time; use e.g. 2026-11-01, 2026-11-01T12:00:00Z, now or now-7d`);
  return Math.floor(micros / 1000);
}

/** `--from` (required), `--to` (default now) and `--rule uid,…` (default every rule). */
export function backtestRequest(values: { from?: string; to?: string; rule?: string }, nowMs: number): BacktestRequest {
  if (!values.from) throw new UsageError('alerts-backtest needs --from (and optionally --to, default now)');
  const fromMs = time('from', values.from, nowMs);
  const toMs = time('to', values.to ?? 'now', nowMs);
  if (fromMs >= toMs) throw new UsageError(`--from must be before --to (${new Date(fromMs).toISOString()} is not before ${new Date(toMs).toISOString()})`);
  let groups = RULE_GROUPS;
  if (values.rule) {
    const wanted = new Set(values.rule.split(',').map((s) => s.trim()).filter(Boolean));
    const known = new Set(RULE_GROUPS.flatMap((g) => g.rules.map((r) => r.uid)));
    const unknown = [...wanted].filter((uid) => !known.has(uid));
    if (unknown.length) throw new UsageError(`--rule: unknown rule ${unknown.join(', ')}; rules: ${[...known].join(', ')}`);
    groups = RULE_GROUPS.map((g) => ({ ...g, rules: g.rules.filter((r) => wanted.has(r.uid)) })).filter((g) => g.rules.length > 0);
  }
  return { fromMs, toMs, groups };
}

/** Progress on stderr: a rewritten line on a terminal, otherwise a line every 10 %. */
export function progressPrinter(out: NodeJS.WriteStream, clock: () => number = Date.now): (done: number, total: number) => void {
  let lastAt = 0;
  let lastTenth = -1;
  return (done, total) => {
    const pct = Math.floor((done / total) * 100);
    const text = `evaluations ${done}/${total} (${pct} %)`;
    if (out.isTTY) {
      if (done === total || clock() - lastAt >= 500) {
        lastAt = clock();
        out.write(`\r${text}${done === total ? '\n' : ''}`);
      }
    } else if (Math.floor(pct / 10) > lastTenth) {
      lastTenth = Math.floor(pct / 10);
      out.write(`${text}\n`);
    }
  };
}

import type { BacktestEpisode, RuleBacktest } from './backtest';

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

/** `1h 5m`, `30s`: how long an episode lasted. */
export function formatSpan(ms: number): string {
  let s = Math.round(ms / 1000);
  const d = Math.floor(s / 86_400);
  s %= 86_400;
  const h = Math.floor(s / 3600);
  s %= 3600;
  const m = Math.floor(s / 60);
  s %= 60;
  const parts = ([[d, 'd'], [h, 'h'], [m, 'm'], [s, 's']] as const).filter(([n]) => n > 0).map(([n, u]) => `${n}${u}`);
  return parts.slice(0, 2).join(' ') || '0s';
}

const labelText = (labels: Record<string, string>) => Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(' ') || '(no labels)';

function episodeLine(e: BacktestEpisode, toMs: number): string {
  const cells = [labelText(e.labels).padEnd(40)];
  if (e.pendingAt !== null) cells.push(`pending ${iso(e.pendingAt)}`);
  if (e.firingAt !== null) cells.push(`${e.state === 'Error' ? 'error' : 'firing'} ${iso(e.firingAt)}`);
  else cells.push('never fired');
  if (e.resolvedAt !== null) cells.push(`resolved ${iso(e.resolvedAt)}`);
  else cells.push('still open at the end');
  if (e.firingAt !== null) cells.push(`(${formatSpan((e.resolvedAt ?? toMs) - e.firingAt)})`);
  if (e.peak !== null) cells.push(`peak ${Number(e.peak.toPrecision(6))}`);
  if (e.reason) cells.push(`— ${e.reason}`);
  return `  ${cells.join('  ')}`;
}

/** Per rule: when each label set would have fired and resolved; then one summary line per rule. */
export function formatBacktest(results: readonly RuleBacktest[], toMs: number): string {
  const lines: string[] = [];
  for (const r of results) {
    const fired = r.episodes.filter((e) => e.firingAt !== null);
    lines.push(`${r.rule.title} (${r.rule.uid}, ${r.rule.severity}, every ${r.intervalMs / 1000}s, for ${r.rule.for}): ${fired.length} firing(s) in ${r.evaluations} evaluations`);
    for (const e of r.episodes) lines.push(episodeLine(e, toMs));
  }
  const header = ['rule', 'severity', 'evaluations', 'label sets', 'firings', 'pending only', 'errors', 'time firing', 'longest'];
  const rows = results.map((r) => {
    const fired = r.episodes.filter((e) => e.firingAt !== null && e.state === 'Alerting');
    const spans = fired.map((e) => (e.resolvedAt ?? toMs) - (e.firingAt ?? 0));
    return [
      r.rule.title,
      r.rule.severity,
      String(r.evaluations),
      String(new Set(r.episodes.map((e) => JSON.stringify(e.labels))).size),
      String(fired.length),
      String(r.episodes.filter((e) => e.firingAt === null).length),
      String(r.episodes.filter((e) => e.state === 'Error').length),
      formatSpan(spans.reduce((a, b) => a + b, 0)),
      formatSpan(Math.max(0, ...spans)),
    ];
  });
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c].length)));
  const line = (cells: string[]) => cells.map((cell, c) => cell.padEnd(widths[c])).join('  ').trimEnd();
  lines.push('', 'Summary', line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line));
  return lines.join('\n');
}

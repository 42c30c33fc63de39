import type { SourceState, SourceView } from '../inventory/source-inventory';
import type { SourceKind } from '../inventory/source-kinds';

/** What the status page shows; the app gathers it per request. */
export interface StatusPageModel {
  /** Epoch ms of the page. */
  now: number;
  collector: { host: string; env: string };
  sources: readonly SourceView[];
  questdb: { ok: true } | { ok: false; error: string };
  spool?: { depthRows: number; depthBytes: number; maxBytes: number; oldestAgeSeconds: number; deadLetters: number; shippingError?: { error: string; since: string } };
  refreshSeconds?: number;
}

/** Headers for the page: no script may run, whatever a source's name contains. */
export const STATUS_PAGE_HEADERS = {
  'Content-Type': 'text/html; charset=utf-8',
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
} as const;

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML content and quoted attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/** `45s`, `3m 05s`, `2h 03m`, `4d 02h`. */
export function formatAge(seconds: number): string {
  const s = Math.floor(seconds);
  const pad = (n: number) => String(n).padStart(2, '0');
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${pad(s % 60)}s`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ${pad(Math.floor((s % 3600) / 60))}m`;
  return `${Math.floor(s / 86_400)}d ${pad(Math.floor((s % 86_400) / 3600))}h`;
}

/** The figures worth a glance per kind, in the order shown. */
const KEY_FIGURES: Record<SourceKind, readonly string[]> = {
  daemon: ['uptime_seconds', 'fetch_count', 'error_count', 'memory_rss_bytes', 'cpu_percent'],
  exchange: ['latency_ms', 'reconnect_count', 'last_message_at'],
  pipeline: ['records_count', 'latency_ms', 'gap_duration_seconds'],
  strategy: ['pnl', 'position_size', 'drawdown'],
};
const KIND_TITLES: Record<SourceKind, string> = { daemon: 'Daemons', exchange: 'Exchange feeds', pipeline: 'Pipeline series', strategy: 'Strategies' };
const KIND_NAMES: Record<SourceKind, string> = { daemon: 'daemon', exchange: 'exchange feed', pipeline: 'pipeline series', strategy: 'strategy' };
const PROBLEMS: ReadonlySet<SourceState> = new Set(['missing', 'silent', 'down']);

function figure(name: string, value: unknown): string {
  if (value === null || value === undefined) return '';
  let text: string;
  if (typeof value === 'number' && name.endsWith('_at')) text = new Date(value / 1000).toISOString().slice(0, 19).replace('T', ' ');
  else if (typeof value === 'number' && name === 'memory_rss_bytes') text = `${(value / 1_048_576).toFixed(0)} MiB`;
  else if (typeof value === 'number' && name === 'uptime_seconds') text = formatAge(value);
  else if (typeof value === 'number') text = Number.isInteger(value) ? String(value) : value.toFixed(2);
  else text = String(value);
  return `<span class="fig"><span class="fig-name">${escapeHtml(name)}</span> ${escapeHtml(text)}</span>`;
}

function sourceRow(s: SourceView): string {
  const name = Object.entries(s.key)
    .filter(([k]) => k !== 'env')
    .map(([, v]) => escapeHtml(v))
    .join(' · ');
  const figures = KEY_FIGURES[s.kind].map((f) => figure(f, s.figures[f])).join(' ');
  const age = s.lastReportAt === null ? `never (awaited ${formatAge(s.ageSeconds)})` : `${formatAge(s.ageSeconds)} ago`;
  const cadence = s.cadenceSeconds === null ? '' : ` <span class="muted">every ${formatAge(s.cadenceSeconds)}</span>`;
  return [
    `<tr class="source state-${s.state}" data-kind="${s.kind}" data-state="${s.state}" data-name="${escapeHtml(Object.values(s.key).join('/'))}">`,
    `<td><span class="badge">${s.state}</span></td>`,
    `<td>${KIND_NAMES[s.kind]}</td>`,
    `<td class="name">${name}${s.expected ? ' <span class="muted">(expected)</span>' : ''}</td>`,
    `<td>${escapeHtml(s.env)}</td>`,
    `<td>${age}${cadence}</td>`,
    `<td>${figures}</td>`,
    `<td class="problem">${s.problem === null ? '' : escapeHtml(s.problem)}</td>`,
    '</tr>',
  ].join('');
}

function sourceTable(rows: readonly SourceView[], empty: string): string {
  if (rows.length === 0) return `<p class="muted">${escapeHtml(empty)}</p>`;
  return `<table><thead><tr><th>state</th><th>kind</th><th>source</th><th>env</th><th>last report</th><th>key figures</th><th>problem</th></tr></thead><tbody>${rows.map(sourceRow).join('')}</tbody></table>`;
}

function infrastructure(m: StatusPageModel): string {
  const q = m.questdb.ok ? '<span class="badge ok">reachable</span>' : `<span class="badge bad">unreachable</span> ${escapeHtml(m.questdb.error)}`;
  let spool = '<span class="muted">no spool</span>';
  if (m.spool) {
    const s = m.spool;
    const full = s.depthBytes / s.maxBytes;
    const state = s.shippingError ? 'bad' : s.oldestAgeSeconds > 60 || full > 0.8 ? 'warn' : 'ok';
    spool =
      `<span class="badge ${state}">${s.shippingError ? 'not shipping' : 'shipping'}</span> ` +
      `${s.depthRows} rows / ${(s.depthBytes / 1_048_576).toFixed(1)} MiB waiting (${(full * 100).toFixed(1)} % of the limit), oldest ${formatAge(s.oldestAgeSeconds)}` +
      (s.deadLetters > 0 ? `, <span class="badge bad">${s.deadLetters} dead-letter batches</span>` : '') +
      (s.shippingError ? `<br><span class="problem">${escapeHtml(s.shippingError.error)} since ${escapeHtml(s.shippingError.since)}</span>` : '');
  }
  return `<table class="infra"><tbody><tr id="questdb"><th>QuestDB</th><td>${q}</td></tr><tr id="spool"><th>Spool</th><td>${spool}</td></tr></tbody></table>`;
}

const STYLE = `
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#1d1d1f;background:#fafafa}
h1{font-size:1.4em;margin:0 0 .2em}h2{font-size:1.1em;margin:1.4em 0 .4em}
table{border-collapse:collapse;width:100%;background:#fff}th,td{text-align:left;padding:.3em .6em;border-bottom:1px solid #e3e3e3;vertical-align:top}
th{font-weight:600;color:#555}.muted{color:#888}.name{font-family:ui-monospace,monospace;word-break:break-all}
.badge{display:inline-block;padding:0 .5em;border-radius:.8em;font-weight:600;font-size:.9em;background:#ddd}
.state-ok .badge,.badge.ok{background:#cdeccd;color:#185c18}.state-down .badge,.state-silent .badge,.state-missing .badge,.badge.bad{background:#f6caca;color:#8a1111}
.state-waiting .badge,.badge.warn{background:#f7e6b5;color:#6b5200}.problem{color:#8a1111}
.fig{white-space:nowrap;margin-right:.6em}.fig-name{color:#888;font-size:.85em}
.summary{font-size:1.05em}.summary.bad{color:#8a1111;font-weight:600}.infra{width:auto}`;

/**
 * The collector's status page: every known source with its state, how long ago it reported and
 * its key figures, plus QuestDB and the spool; problems first. Server-rendered, refreshes itself,
 * runs no script; every source-supplied value is escaped.
 */
export function renderStatusPage(m: StatusPageModel): string {
  const problems = m.sources.filter((s) => PROBLEMS.has(s.state));
  const infraBad = !m.questdb.ok || m.spool?.shippingError !== undefined;
  const summary =
    problems.length === 0 && !infraBad
      ? `<p class="summary">All ${m.sources.length} sources OK.</p>`
      : `<p class="summary bad">${problems.length} of ${m.sources.length} sources need attention${infraBad ? '; the pipeline to QuestDB has a problem' : ''}.</p>`;
  const kinds = (Object.keys(KIND_TITLES) as SourceKind[]).map(
    (k) => `<h2>${KIND_TITLES[k]}</h2>${sourceTable(m.sources.filter((s) => s.kind === k), 'none known')}`,
  );
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="${m.refreshSeconds ?? 10}">
<title>${problems.length > 0 ? `(${problems.length}) ` : ''}Tradewatch collector ${escapeHtml(m.collector.host)}</title>
<style>${STYLE}</style></head><body>
<h1>Tradewatch collector <span class="name">${escapeHtml(m.collector.host)}</span> <span class="muted">${escapeHtml(m.collector.env)}</span></h1>
<p class="muted">As of ${new Date(m.now).toISOString().slice(0, 19).replace('T', ' ')} UTC; refreshes every ${m.refreshSeconds ?? 10} s. JSON: <code>/v1/sources</code>, metrics: <code>/metrics</code>.</p>
${summary}
${infrastructure(m)}
<h2>Problems</h2>${sourceTable(problems, 'none')}
${kinds.join('\n')}
</body></html>
`;
}

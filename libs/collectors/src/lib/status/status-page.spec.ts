import type { SourceView } from '../inventory/source-inventory';
import { escapeHtml, formatAge, renderStatusPage } from './status-page';

const source = (over: Partial<SourceView>): SourceView => ({
  kind: 'daemon',
  key: { host: 'd1', env: 'prod' },
  env: 'prod',
  state: 'ok',
  expected: false,
  lastReportAt: '2026-11-30T12:00:00.000000Z',
  ageSeconds: 3,
  cadenceSeconds: 60,
  problem: null,
  figures: {},
  ...over,
});

describe('status page rendering', () => {
  const hostile = '<script>alert("x")</script>&\'';
  const html = renderStatusPage({
    now: Date.UTC(2026, 10, 30, 12, 0, 5),
    collector: { host: `collector-${hostile}`, env: 'prod' },
    sources: [
      source({ kind: 'exchange', key: { exchange: 'okx', host: hostile }, state: 'silent', ageSeconds: 185, problem: `silent: no report for 185s ${hostile}` }),
      source({ key: { host: hostile, env: 'prod' }, figures: { last_error: hostile, uptime_seconds: 3700, memory_rss_bytes: 2_097_152 } }),
    ],
    questdb: { ok: false, error: `connect ECONNREFUSED ${hostile}` },
    spool: { depthRows: 10, depthBytes: 1024, maxBytes: 1_048_576, oldestAgeSeconds: 2, deadLetters: 0 },
  });

  it('escapes every source-supplied name: no tag or attribute can be injected', () => {
    expect(html).not.toContain('<script');
    expect(html).not.toContain('"x"');
    expect(html.match(/&lt;script&gt;alert\(&quot;x&quot;\)&lt;\/script&gt;&amp;&#39;/g)?.length).toBeGreaterThanOrEqual(5);
  });

  it('refreshes itself and shows problems first, with state, age and figures', () => {
    expect(html).toContain('<meta http-equiv="refresh" content="10">');
    const problems = html.slice(html.indexOf('<h2>Problems</h2>'), html.indexOf('<h2>Daemons</h2>'));
    expect(problems).toContain('data-state="silent"');
    expect(problems).not.toContain('data-state="ok"');
    expect(html).toContain('3m 05s ago');
    expect(html).toContain('1h 01m'); // uptime
    expect(html).toContain('2 MiB');
    expect(html).toContain('1 of 2 sources need attention; the pipeline to QuestDB has a problem');
    expect(html).toMatch(/<tr id="questdb"><th>QuestDB<\/th><td><span class="badge bad">unreachable<\/span>/);
  });

  it('helpers', () => {
    expect(escapeHtml(`a<b>"c"&'d'`)).toBe('a&lt;b&gt;&quot;c&quot;&amp;&#39;d&#39;');
    expect([5, 65, 3_725, 180_000].map(formatAge)).toEqual(['5s', '1m 05s', '1h 02m', '2d 02h']);
  });
});

import type { IngestResult } from './ingest-bench';
import { renderReport, type BenchReport } from './report';

/** A made-up ingest result (no run): `rowsPerSecond` over 10 s, every acknowledged row stored unless `stored` says otherwise. */
function result(rowsPerSecond: number, o: { stored?: number; failures?: Record<string, number>; collector?: boolean } = {}): IngestResult {
  const acked = rowsPerSecond * 10;
  const usage = { cpuPercent: 50, cpuSeconds: 5, peakRssBytes: 200e6, endRssBytes: 150e6, microsPerRow: 5 };
  return {
    clients: 8,
    rowsPerRequest: 1_000,
    seconds: 10,
    ackedRows: acked,
    rowsPerSecond,
    windowRowsPerSecond: [rowsPerSecond, rowsPerSecond],
    ackP50Ms: 40,
    ackP99Ms: 90,
    requests: acked / 1_000,
    failures: o.failures ?? {},
    failureSamples: Object.fromEntries(Object.keys(o.failures ?? {}).map((s) => [s, 'why'])),
    ...(o.collector !== false && { collector: usage }),
    questdb: { ...usage, microsPerRow: 3 },
    loadGeneratorCpuPercent: 10,
    machineCpuPercent: 150,
    totalAckedRows: acked,
    storedRows: o.stored ?? acked,
    catchUpSeconds: 0.2,
  };
}

function report(daemon: IngestResult | undefined): string {
  const r: BenchReport = {
    machine: { cores: 2, cpuModel: 'test CPU', ramGiB: 8, node: 'v20', java: '17', questdb: '9', loadAtStart: [0, 0, 0] },
    loadAtEnd: [0, 0, 0],
    startedAt: new Date(0),
    command: 'npm run bench',
    ingest: [{ load: { clients: 8, rows: 1_000 }, alone: result(500_000, { collector: false }), collector: result(100_000), ...(daemon && { daemon }) }],
  };
  return renderReport(r);
}

const targetLine = (markdown: string) => markdown.split('\n').find((l) => l.startsWith('| daemon route ≥ 90 % of the pipeline route (8 × 1,000 JSON) |'));

describe('bench report (made-up results): the daemon route', () => {
  it('is met at 90 % of the pipeline route or more, with every acknowledged row stored', () => {
    expect(targetLine(report(result(95_000)))).toBe('| daemon route ≥ 90 % of the pipeline route (8 × 1,000 JSON) | 0.95× (95,000 vs 100,000 rows/s) | met |');
  });

  it('is not met below 90 %, with refused requests, or with acknowledged rows missing', () => {
    expect(targetLine(report(result(85_000)))).toMatch(/\| 0\.85× .* \| \*\*not met\*\* \|$/);
    expect(targetLine(report(result(95_000, { failures: { '400': 3 } })))).toMatch(/3 failed requests\) \| \*\*not met\*\* \|$/);
    expect(targetLine(report(result(95_000, { stored: 949_000 })))).toMatch(/1,000 acknowledged rows missing\) \| \*\*not met\*\* \|$/);
  });

  it('has its row in the ingest table right after the pipeline route at that load, and counts in the worst backlog', () => {
    const markdown = report({ ...result(95_000, { failures: { '400': 1 } }), catchUpSeconds: 4.2 });
    const rows = markdown.split('\n').filter((l) => l.startsWith('| 8 × 1,000,'));
    expect(rows.map((l) => l.split(' | ')[0])).toEqual(['| 8 × 1,000, QuestDB alone (ILP)', '| 8 × 1,000, **collector** (JSON)', '| 8 × 1,000, **collector daemon route** (JSON, `/v1/metrics/daemon`)']);
    expect(rows[2]).toContain('| 0.19× |');
    expect(markdown).toContain('| backlog after the load ≤ 1 s (worst load) | 4.2 s | **not met** |');
    expect(markdown).toContain('Failed requests: 1 × 400 (e.g. `why`).');
  });

  it('is left out when the run had no daemon route', () => {
    const markdown = report(undefined);
    expect(targetLine(markdown)).toBeUndefined();
    expect(markdown).not.toContain('collector daemon route');
  });
});

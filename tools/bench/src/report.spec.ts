import type { IngestResult } from './ingest-bench';
import { renderReport, type BenchReport } from './report';
import { ingestRuns } from './rounds';

/** A made-up ingest result (no run): `rowsPerSecond` over 10 s, every acknowledged row stored unless `stored` says otherwise. */
function result(rowsPerSecond: number, o: { stored?: number; failures?: Record<string, number>; collector?: boolean; bodyBytesPerRow?: number } = {}): IngestResult {
  const acked = rowsPerSecond * 10;
  const usage = { cpuPercent: 50, cpuSeconds: 5, peakRssBytes: 200e6, endRssBytes: 150e6, microsPerRow: 5 };
  return {
    clients: 8,
    rowsPerRequest: 1_000,
    seconds: 10,
    ackedRows: acked,
    rowsPerSecond,
    bodyBytesPerRow: o.bodyBytesPerRow ?? 250,
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

/** A report of one load; each target's runs one per round (one round when given one result). */
function report(daemon: IngestResult | IngestResult[] | undefined, collector: IngestResult | IngestResult[] = result(100_000)): string {
  const runs = (x: IngestResult | IngestResult[]) => ingestRuns(Array.isArray(x) ? x : [x]);
  const r: BenchReport = {
    machine: { cores: 2, cpuModel: 'test CPU', ramGiB: 8, node: 'v20', java: '17', questdb: '9', loadAtStart: [0, 0, 0] },
    loadAtEnd: [0, 0, 0],
    startedAt: new Date(0),
    command: 'npm run bench',
    ingest: [{ load: { clients: 8, rows: 1_000 }, alone: runs(result(500_000, { collector: false })), collector: runs(collector), ...(daemon && { daemon: runs(daemon) }) }],
  };
  return renderReport(r);
}

const targetLine = (markdown: string) => markdown.split('\n').find((l) => l.startsWith('| daemon route ≥ 90 % of the pipeline route (8 × 1,000 JSON) |'));

describe('bench report (made-up results): the daemon route', () => {
  it('is met at 90 % of the pipeline route or more, with every acknowledged row stored', () => {
    expect(targetLine(report(result(95_000)))).toBe(
      '| daemon route ≥ 90 % of the pipeline route (8 × 1,000 JSON) | 0.95× (95,000 vs 100,000 rows/s; rows of 250 vs 250 bytes of JSON, 0.95× per byte) | met |',
    );
  });

  it('gives the rate per byte of request body beside the rate per row: the routes\' rows differ in size', () => {
    // 75,000 rows/s of 300-byte rows against 100,000 of 250: 0.75× per row, 0.90× per byte.
    expect(targetLine(report(result(75_000, { bodyBytesPerRow: 300 })))).toBe(
      '| daemon route ≥ 90 % of the pipeline route (8 × 1,000 JSON) | 0.75× (75,000 vs 100,000 rows/s; rows of 300 vs 250 bytes of JSON, 0.90× per byte) | **not met** |',
    );
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
    expect(rows[2]).toContain('| 95,000 | 95,000 | 0.19× |');
    expect(markdown).toContain('| backlog after the load ≤ 1 s (every collector run) | worst 4.2 s (8 × 1,000 daemon route, round 1); 1 of 2 runs over 1 s | **not met** |');
    expect(markdown).toContain('Failed requests: 1 × 400 (e.g. `why`).');
  });

  it('is left out when the run had no daemon route', () => {
    const markdown = report(undefined);
    expect(targetLine(markdown)).toBeUndefined();
    expect(markdown).not.toContain('collector daemon route');
  });
});

describe('bench report (made-up results): rounds', () => {
  it('quotes the median round of each target, lists every round, and takes the ratio between median runs', () => {
    const markdown = report([result(96_000), result(80_000), result(99_000)], [result(100_000), result(120_000), result(90_000)]);
    expect(targetLine(markdown)).toMatch(/^\| daemon route ≥ 90 % of the pipeline route \(8 × 1,000 JSON\) \| 0\.96× \(96,000 vs 100,000 rows\/s; .*\) \| met \|$/);
    const daemonRow = markdown.split('\n').find((l) => l.startsWith('| 8 × 1,000, **collector daemon route**'));
    expect(daemonRow).toContain('| 96,000 | 96,000, 80,000, 99,000 | 0.19× |');
  });

  it('judges storage, refusals and the backlog on every round, not only the median one', () => {
    const lostInSlowRound = report([result(96_000), result(80_000, { stored: 799_000 }), result(99_000)]);
    expect(targetLine(lostInSlowRound)).toMatch(/1,000 acknowledged rows missing\) \| \*\*not met\*\* \|$/);
    expect(lostInSlowRound).toContain('| every acknowledged row stored (every collector run) | 3,749,000 of 3,750,000 | **not met** |');
    const refusedInFastRound = report([result(96_000), result(80_000), result(99_000, { failures: { '503': 2 } })]);
    expect(targetLine(refusedInFastRound)).toMatch(/2 failed requests\) \| \*\*not met\*\* \|$/);
    const slowBacklog = report(undefined, [result(100_000), { ...result(90_000), catchUpSeconds: 3.5 }, result(110_000)]);
    expect(slowBacklog).toContain('| backlog after the load ≤ 1 s (every collector run) | worst 3.5 s (8 × 1,000 JSON, round 2); 1 of 3 runs over 1 s | **not met** |');
  });
});

describe('bench report (made-up results): the collector steps', () => {
  it('shows each step per route, "–" where a step is not the route\'s, and each route\'s sum without the comparisons', () => {
    const r: BenchReport = {
      machine: { cores: 2, cpuModel: 'test CPU', ramGiB: 8, node: 'v20', java: '17', questdb: '9', loadAtStart: [0, 0, 0] },
      loadAtEnd: [0, 0, 0],
      startedAt: new Date(0),
      command: 'npm run bench',
      ingest: [{ load: { clients: 8, rows: 1_000 }, alone: ingestRuns([result(500_000, { collector: false })]), collector: ingestRuns([result(100_000)]) }],
      stages: {
        rowsPerBody: 1_000,
        results: [
          { stage: 'parse', microsPerRow: { pipeline_metrics: 0.8, daemon_metrics: 0.9 } },
          { stage: 'counter continuity', microsPerRow: { daemon_metrics: 0.25 } },
          { stage: 'for comparison: other encoding', microsPerRow: { pipeline_metrics: 5 } },
        ],
      },
    };
    const lines = renderReport(r).split('\n');
    expect(lines).toContain('| step | pipeline_metrics | daemon_metrics |');
    expect(lines).toContain('| counter continuity | – | 0.25 |');
    expect(lines).toContain('| for comparison: other encoding | 5.00 | – |');
    expect(lines).toContain("| **sum of the collector's steps** | **0.80** (≤ 1,250,000 rows/s per core) | **1.15** (≤ 869,565 rows/s per core) |");
  });
});

describe('bench report (made-up results): the ingest table', () => {
  it("shows the collector's main thread on a CPU / waiting for one, and a dash where it was not measured", () => {
    const measured = result(100_000);
    if (measured.collector) measured.collector.mainThread = { running: 74.4, waiting: 12.6 };
    const rows = report(undefined, measured).split('\n').filter((l) => l.startsWith('| 8 × 1,000,'));
    const header = report(undefined).split('\n').find((l) => l.startsWith('| load |')) ?? '';
    const column = header.split(' | ').indexOf('collector main thread: on a CPU / waiting for one');
    expect(column).toBeGreaterThan(0);
    expect(rows.map((l) => l.split(' | ')[column])).toEqual(['–', '74 % / 13 %']);
  });
});

describe('bench report (made-up results): the dashboards target', () => {
  const withDashboards = (days: number, slowestMs: number) =>
    renderReport({
      machine: { cores: 2, cpuModel: 'test CPU', ramGiB: 8, node: 'v20', java: '17', questdb: '9', loadAtStart: [0, 0, 0] },
      loadAtEnd: [0, 0, 0],
      startedAt: new Date(0),
      command: 'npm run bench',
      dashboards: { days, data: 'made up', table: [], longestRangeMs: { Health: slowestMs / 2, Pipeline: slowestMs } },
    })
      .split('\n')
      .find((l) => l.startsWith('| every query of a dashboard'));

  it('is judged over 30 days of data, by the slowest dashboard', () => {
    expect(withDashboards(30, 232)).toBe('| every query of a dashboard over 30 d together < 1 s | slowest dashboard 232 ms over 30 d | met |');
    expect(withDashboards(30, 1_200)).toBe('| every query of a dashboard over 30 d together < 1 s | slowest dashboard 1.20 s over 30 d | **not met** |');
  });

  it('is not judged on fewer days (a quick run): the figure is shown, the target not claimed', () => {
    expect(withDashboards(7, 167)).toBe('| every query of a dashboard over 30 d together < 1 s | slowest dashboard 167 ms over 7 d | not measured (7 d of data) |');
  });
});

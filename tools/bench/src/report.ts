import type { DashboardBenchResult } from '../dashboards';
import { DASHBOARD_TARGET_DAYS, type Load } from './args';
import type { DisconnectResult } from './disconnect';
import type { IngestResult } from './ingest-bench';
import { ingestRuns, type IngestRuns } from './rounds';
import { formatLoad, machineLine, type MachineInfo } from './machine';
import type { StageResult } from './stage-bench';
import { STAGE_TABLES } from './stage-tables';
import { summarizeWriter, type WriterResult } from './writer-bench';
import { formatCount, formatMs, formatRatio } from './stats';

export interface BenchReport {
  machine: MachineInfo;
  loadAtEnd: number[];
  startedAt: Date;
  command: string;
  writer?: { rows: number; rounds: number; results: WriterResult[] };
  /** Each load against QuestDB alone (the ceiling) and the collector, side by side; at the first load also the collector's daemon route. */
  ingest?: { load: Load; alone: IngestRuns; collector: IngestRuns; daemon?: IngestRuns }[];
  /** HTTP ingest rounds: every run above (and the line-protocol endpoint's) once per round. */
  httpRounds?: number;
  /** CPU of QuestDB and the collector with no load (percent of one core), subtracted from the per-row figures. */
  idleCpuPercent?: { questdb: number; collector: number };
  /** QuestDB alone at the first load with the rollups dropped: what their refresh costs. */
  withoutRollups?: IngestResult;
  /** The collector at half the first load's rate, with freshness probes. */
  freshness?: { paceRowsPerSecond: number; result: IngestResult; disconnects: DisconnectResult };
  /** The collector's line-protocol endpoint, or 'absent' when it has none. */
  ilpEndpoint?: { load: Load; result: IngestRuns } | 'absent';
  stages?: { rowsPerBody: number; rounds?: number; results: StageResult[] };
  dashboards?: DashboardBenchResult & { days: number };
  profile?: { fn: string; where: string; percent: number }[];
}

const MiB = 1024 * 1024;
const MB = 1_000_000;
const verdict = (ok: boolean) => (ok ? 'met' : '**not met**');

/** A run through the collector, with what it loaded and its round (from 1). */
interface CollectorRun {
  what: string;
  round: number;
  run: IngestResult;
}

/** Every run through the collector at full load, in every round: its JSON routes and its line-protocol endpoint. */
const collectorRuns = (r: BenchReport): CollectorRun[] => {
  const named = (what: string, runs: readonly IngestResult[]) => runs.map((run, i) => ({ what, round: i + 1, run }));
  const load = (l: Load) => `${l.clients} × ${formatCount(l.rows)}`;
  return [
    ...(r.ingest ?? []).flatMap((x) => [...named(`${load(x.load)} JSON`, x.collector.all), ...named(`${load(x.load)} daemon route`, x.daemon?.all ?? [])]),
    ...(r.ilpEndpoint && r.ilpEndpoint !== 'absent' ? named(`${load(r.ilpEndpoint.load)} POST /write`, r.ilpEndpoint.result.all) : []),
  ];
};
const failed = (x: IngestResult) => Object.values(x.failures).reduce((a, b) => a + b, 0);
/** Acknowledged rows QuestDB did not hold after the runs. */
const missingRows = (runs: readonly IngestResult[]) => runs.reduce((n, x) => n + Math.max(0, x.totalAckedRows - x.storedRows), 0);

/** The docs/product.md §7 targets this report can judge, with the measured figure. */
function targets(r: BenchReport): string[] {
  const lines = ['| target (docs/product.md §7) | measured | |', '|---|---:|---|'];
  if (r.writer) {
    const write = r.writer.results.find((x) => x.name === 'write');
    if (write) {
      const ratio = summarizeWriter(write).ratio;
      lines.push(`| in-process writer ≥ 0.8× bare sender | ${formatRatio(ratio)} | ${verdict(ratio >= 0.8)} |`);
    }
  }
  const first = r.ingest?.[0];
  if (first) {
    const c = first.collector.median;
    const alone = first.alone.median;
    const label = `${first.load.clients} × ${formatCount(first.load.rows)} JSON`;
    lines.push(`| HTTP ingest, durable acks, ${label}: ≥ 250,000 rows/s | ${formatCount(c.rowsPerSecond)} rows/s (${formatRatio(c.rowsPerSecond / alone.rowsPerSecond)} of QuestDB alone) | ${verdict(c.rowsPerSecond >= 250_000)} |`);
    // Every run of every round: a run that lost a row fails this whatever the median did.
    const named = collectorRuns(r);
    const runs = named.map((x) => x.run);
    const acked = runs.reduce((n, x) => n + x.totalAckedRows, 0);
    const missing = missingRows(runs);
    lines.push(`| every acknowledged row stored (every collector run) | ${formatCount(acked - missing)} of ${formatCount(acked)} | ${verdict(missing === 0)} |`);
    if (c.collector) {
      lines.push(`| collector CPU ≤ 3 µs per row (${label}) | ${c.collector.microsPerRow.toFixed(2)} µs | ${verdict(c.collector.microsPerRow <= 3)} |`);
      // One collector process runs every round, so after round 1 this peak also holds what the larger loads left behind.
      lines.push(`| collector RSS ≤ 300 MB (${label}, peak in its median run) | ${(c.collector.peakRssBytes / MB).toFixed(0)} MB | ${verdict(c.collector.peakRssBytes <= 300 * MB)} |`);
    }
    const qRatio = c.questdb.microsPerRow / alone.questdb.microsPerRow;
    lines.push(`| QuestDB CPU per row fed by the collector ≤ 1.5× alone (${label}) | ${formatRatio(qRatio)} (${c.questdb.microsPerRow.toFixed(2)} vs ${alone.questdb.microsPerRow.toFixed(2)} µs) | ${verdict(qRatio <= 1.5)} |`);
    const worst = named.reduce((a, b) => (b.run.catchUpSeconds > a.run.catchUpSeconds ? b : a));
    const backlog = worst.run.catchUpSeconds;
    const over = runs.filter((x) => x.catchUpSeconds > 1).length;
    lines.push(
      `| backlog after the load ≤ 1 s (every collector run) | worst ${backlog.toFixed(1)} s (${worst.what}, round ${worst.round})${over > 0 ? `; ${over} of ${runs.length} runs over 1 s` : ''} | ${verdict(backlog <= 1)} |`,
    );
    if (first.daemon) {
      const d = first.daemon.median;
      // Throughput alone is not enough: a route that refused or lost rows in any round would not have met it.
      const ratio = d.rowsPerSecond / c.rowsPerSecond;
      const failures = first.daemon.all.reduce((n, x) => n + failed(x), 0);
      const lostRows = missingRows(first.daemon.all);
      const lost = lostRows > 0 ? `, ${formatCount(lostRows)} acknowledged rows missing` : '';
      // The routes' rows differ in size: the rate per byte of request body says how much of the gap that is.
      const perByte = (d.rowsPerSecond * d.bodyBytesPerRow) / (c.rowsPerSecond * c.bodyBytesPerRow);
      const sizes = Number.isFinite(perByte)
        ? `; rows of ${Math.round(d.bodyBytesPerRow)} vs ${Math.round(c.bodyBytesPerRow)} bytes of JSON, ${formatRatio(perByte)} per byte`
        : '';
      lines.push(
        `| daemon route ≥ 90 % of the pipeline route (${label}) | ${formatRatio(ratio)} (${formatCount(d.rowsPerSecond)} vs ${formatCount(c.rowsPerSecond)} rows/s${sizes}${failures ? `, ${failures} failed requests` : ''}${lost}) | ${verdict(ratio >= 0.9 && failures === 0 && lostRows === 0)} |`,
      );
    }
  }
  const f = r.freshness?.result.freshness;
  if (f) lines.push(`| queryable within 1 s of the ack (p99) at half load | ${formatMs(f.p99Ms)} | ${verdict(f.p99Ms < 1_000 && f.missing === 0)} |`);
  const d = r.freshness?.disconnects;
  if (d) lines.push(`| an exchange disconnect in exchange_status within 2 s (p99, at half load) | ${formatMs(d.p99Ms)} | ${verdict(d.p99Ms < 2_000 && d.missing === 0 && d.disconnects > 0)} |`);
  if (r.ilpEndpoint && r.ilpEndpoint !== 'absent') {
    const e = r.ilpEndpoint.result;
    lines.push(`| line protocol endpoint ≥ 400,000 rows/s, durable | ${formatCount(e.median.rowsPerSecond)} rows/s | ${verdict(e.median.rowsPerSecond >= 400_000 && missingRows(e.all) === 0)} |`);
  }
  if (r.dashboards) {
    const slowest = Math.max(...Object.values(r.dashboards.longestRangeMs));
    // The target is over 30 days of data: a shorter run (--days, --quick) shows its figure but cannot meet it.
    const shown = r.dashboards.days >= DASHBOARD_TARGET_DAYS ? verdict(slowest < 1_000) : `not measured (${r.dashboards.days} d of data)`;
    lines.push(`| every query of a dashboard over ${DASHBOARD_TARGET_DAYS} d together < 1 s | slowest dashboard ${formatMs(slowest)} over ${r.dashboards.days} d | ${shown} |`);
  }
  return lines;
}

/** CPU per row of each collector step, per route, and the ceiling of one core doing them all. */
function stagesSection(r: BenchReport): string[] {
  if (!r.stages) return [];
  const path = r.stages.results.filter((s) => !s.stage.startsWith('for comparison'));
  const cell = (v: number | undefined) => (v === undefined ? '–' : v.toFixed(2));
  const sums = STAGE_TABLES.map((t) => path.reduce((a, s) => a + (s.microsPerRow[t] ?? 0), 0));
  return [
    '### What bounds it: CPU per row in the collector',
    '',
    `Each step a row takes through the collector, timed alone in the benchmark process (process CPU time, ${formatCount(r.stages.rowsPerBody)}-row batches, median of ${r.stages.rounds ?? 'the'} rounds interleaving the two routes), ` +
      'for the rows of the pipeline route and of the daemon route (the same bodies as the loads above). ' +
      'The collector runs them on one thread, so one core can do at most 1,000,000 ÷ (their sum) rows/s, before HTTP handling, fsync and garbage collection.',
    '',
    `| step | ${STAGE_TABLES.join(' | ')} |`,
    `|---|${STAGE_TABLES.map(() => '---:').join('|')}|`,
    ...r.stages.results.map((s) => `| ${s.stage} | ${STAGE_TABLES.map((t) => cell(s.microsPerRow[t])).join(' | ')} |`),
    `| **sum of the collector's steps** | ${sums.map((sum) => `**${sum.toFixed(2)}** (≤ ${formatCount(1_000_000 / sum)} rows/s per core)`).join(' | ')} |`,
    '',
  ];
}

const cpu = (u: { microsPerRow: number; cpuPercent: number } | undefined) => (u ? `${u.microsPerRow.toFixed(2)} µs (${u.cpuPercent.toFixed(0)} %)` : '–');

/** The collector's main thread: on a CPU / waiting for one, in percent of the time. */
const mainThread = (u: { mainThread?: { running: number; waiting: number } } | undefined) =>
  u?.mainThread ? `${u.mainThread.running.toFixed(0)} % / ${u.mainThread.waiting.toFixed(0)} %` : '–';

/** A target's median run, its ratios to QuestDB alone's median run at the same load, and the rows/s of every round. */
function ingestRow(name: string, runs: IngestRuns, ceiling?: IngestRuns): string {
  const x = runs.median;
  const ratio = ceiling ? formatRatio(x.rowsPerSecond / ceiling.median.rowsPerSecond) : '1.00×';
  const qRatio = ceiling ? ` = ${formatRatio(x.questdb.microsPerRow / ceiling.median.questdb.microsPerRow)}` : '';
  return (
    `| ${name} | ${formatCount(x.rowsPerSecond)} | ${runs.all.map((a) => formatCount(a.rowsPerSecond)).join(', ')} | ${ratio} | ${formatCount(Math.min(...x.windowRowsPerSecond))} | ${cpu(x.collector)} | ${mainThread(x.collector)} | ${cpu(x.questdb)}${qRatio} | ` +
    `${x.collector ? `${(x.collector.peakRssBytes / MiB).toFixed(0)} MiB` : '–'} | ${formatMs(x.ackP50Ms)} / ${formatMs(x.ackP99Ms)} | ${x.catchUpSeconds.toFixed(1)} s | ` +
    `${formatCount(x.storedRows)} of ${formatCount(x.totalAckedRows)} | ${x.machineCpuPercent.toFixed(0)} % | ${failed(x)} |`
  );
}

/** Every load against QuestDB alone and the collector, the collector as a ratio to QuestDB alone. */
function ingestSection(r: BenchReport): string[] {
  const out = [
    '## 2. HTTP ingest against QuestDB\'s own ceiling',
    '',
    `For each load (clients × rows per request), first **QuestDB alone**: the clients post pre-encoded ILP (\`POST /write\`, the lines the collector would send) straight to QuestDB, and the bench asks for a refresh of the rollups every 10 s as the collector does; ` +
      `then **the collector**: the same rows as JSON to \`POST /v1/metrics/pipeline\`, acknowledged once fsync'd in the spool, shipped by the spool in large requests; ` +
      'at the first load also **the daemon route**: daemon_metrics status samples of 1,000 daemons (counters rising with time) as JSON to `POST /v1/metrics/daemon`, ' +
      'which checks counter continuity per (host, env) before acknowledging (its ratio is to QuestDB alone fed pipeline_metrics rows). ' +
      `Each run: ${r.ingest?.[0]?.alone.median.seconds ?? '?'} s measured after a warm-up, tables emptied before it; closed loop (each client waits for its answer). ` +
      `${r.httpRounds ?? 1} round(s), each running every target of the section once (QuestDB alone and the collector at every load, the daemon route, \`POST /write\`), so that a slow spell of this shared machine falls on all of them alike; ` +
      'every figure is from the run with the median rows/s of its target, and the ratios are between such runs; "rows/s per round" lists them all. ' +
      'Ratio = collector ÷ QuestDB alone at the same load. CPU per row = CPU seconds from the start of the measured window until QuestDB held every acknowledged row ' +
      '(WAL applied, so the spool\'s backlog and the rollups\' refresh count), less what the process uses idle ' +
      `(measured for 5 s before the loads: QuestDB ${r.idleCpuPercent?.questdb.toFixed(1) ?? '?'} %, collector ${r.idleCpuPercent?.collector.toFixed(1) ?? '?'} % of a core), ` +
      '÷ rows acknowledged in the window; in brackets the average in percent of one core, idle included. ' +
      'The collector\'s main thread (its JavaScript, where a row is parsed, validated, checked and encoded) over the same time: the share it ran on a CPU, and the share it was ready to run but waited for one (Linux schedstat); the two near 100 % together mean that one thread, on cores it shares with QuestDB and the load generator, bounds the rate. ' +
      `"Backlog" = seconds after the load until QuestDB held every acknowledged row (polled every 100 ms). Machine = busy CPU of the whole machine during the window (${r.machine.cores * 100} % = all cores).`,
    '',
    '| load | rows/s | rows/s per round | ratio to QuestDB alone | rows/s, slowest 5 s | collector CPU per row | collector main thread: on a CPU / waiting for one | QuestDB CPU per row (ratio to alone) | collector RSS peak | ack p50 / p99 | backlog after the load | acknowledged rows in QuestDB | machine | failed requests |',
    '|---|---:|---|---:|---:|---:|---:|---:|---:|---|---:|---|---:|---:|',
  ];
  for (const { load, alone, collector, daemon } of r.ingest ?? []) {
    const label = `${load.clients} × ${formatCount(load.rows)}`;
    out.push(ingestRow(`${label}, QuestDB alone (ILP)`, alone), ingestRow(`${label}, **collector** (JSON)`, collector, alone));
    if (daemon) out.push(ingestRow(`${label}, **collector daemon route** (JSON, \`/v1/metrics/daemon\`)`, daemon, alone));
    if (r.withoutRollups && load === r.ingest?.[0]?.load) out.push(ingestRow(`${label}, QuestDB alone, rollups dropped (first round only)`, ingestRuns([r.withoutRollups]), alone));
  }
  const e = r.ilpEndpoint;
  if (e && e !== 'absent') {
    const ceiling = r.ingest?.find((x) => x.load.clients === e.load.clients && x.load.rows === e.load.rows)?.alone;
    out.push(ingestRow(`${e.load.clients} × ${formatCount(e.load.rows)}, **collector line protocol** (\`POST /write\`)`, e.result, ceiling));
  } else if (e === 'absent') out.push('', 'The collector of this build has no line-protocol endpoint (`POST /write`): not measured.');
  const failures = [...(r.ingest ?? []).flatMap((x) => x.alone.all), ...collectorRuns(r).map((x) => x.run)].flatMap((x) =>
    Object.entries(x.failures).map(([status, n]) => `${n} × ${status} (e.g. \`${(x.failureSamples[status] ?? '').replace(/[`\n]/g, ' ')}\`)`),
  );
  if (failures.length) out.push('', `Failed requests: ${failures.join('; ')}.`);
  const first = r.ingest?.[0];
  if (first && r.withoutRollups) {
    const w = r.withoutRollups.questdb.microsPerRow;
    const a = first.alone.median.questdb.microsPerRow;
    out.push(
      '',
      `The 1-minute rollups (materialized views, \`REFRESH MANUAL\`, refreshed incrementally on request every 10 s) cost QuestDB ${(a - w).toFixed(2)} µs per row at ${first.load.clients} × ${formatCount(first.load.rows)} ` +
        `(${a.toFixed(2)} µs with them, ${w.toFixed(2)} µs without: ${formatRatio(a / w)}). Refreshed after every WAL transaction instead (QuestDB's default, before this version), each refresh re-aggregated the current minute from the raw table, so their cost grew with both the rate and the number of transactions.`,
    );
  }
  out.push('', ...stagesSection(r));
  return out;
}

function freshnessSection(f: NonNullable<BenchReport['freshness']>): string[] {
  const x = f.result;
  const p = x.freshness;
  const d = f.disconnects;
  return [
    '## 3. Freshness at half load',
    '',
    `${x.clients} clients paced to ${formatCount(f.paceRowsPerSecond)} rows/s in ${formatCount(x.rowsPerRequest)}-row JSON batches (half the collector's rate at that load above; achieved ${formatCount(x.rowsPerSecond)} rows/s), ` +
      `and probe rows (unique timestamp, own host) through the collector: from each probe's acknowledgement until a QuestDB query (polled every 50 ms) returns it.`,
    '',
    '| probes | p50 | p99 | max | not visible within 30 s | collector CPU per row | QuestDB CPU per row | backlog after the load |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|',
    p ? `| ${p.probes} | ${formatMs(p.p50Ms)} | ${formatMs(p.p99Ms)} | ${formatMs(p.maxMs)} | ${p.missing} | ${cpu(x.collector)} | ${cpu(x.questdb)} | ${x.catchUpSeconds.toFixed(1)} s |` : '| 0 | – | – | – | – | – | – | – |',
    '',
    'Meanwhile the collector probes a WebSocket "exchange" of the bench\'s, which drops the connection (server side) 2 s after every reconnect: ' +
      'from the drop until a QuestDB query (polled every 50 ms) returns an exchange_status row with connected = false.',
    '',
    '| disconnects | p50 | p99 | max | not visible within 15 s |',
    '|---:|---:|---:|---:|---:|',
    `| ${d.disconnects} | ${formatMs(d.p50Ms)} | ${formatMs(d.p99Ms)} | ${formatMs(d.maxMs)} | ${d.missing} |`,
  ];
}

export function renderReport(r: BenchReport): string {
  const out: string[] = [
    '# Benchmarks',
    '',
    `Generated by \`${r.command}\` on ${r.startedAt.toISOString()}. Regenerate with \`npm run bench\` (options: \`npm run bench -- --help\`).`,
    '',
    `**Machine:** ${machineLine(r.machine)}; at the end ${formatLoad(r.loadAtEnd)}. QuestDB, the collector and the load generator share this machine (the load generator writes each request body as bytes into a reused buffer, 0.06–0.2 µs per row, to take as little of it as it can).`,
    '',
    ...targets(r),
  ];
  if (r.writer) {
    const { rows, rounds, results } = r.writer;
    out.push(
      '',
      '## 1. Writer: bare client vs MetricsClient vs durable spool',
      '',
      `${formatCount(rows)} pipeline_metrics rows per run (generated once, outside the timed region), ${formatCount(10_000)} rows per ILP request, ` +
        `timed until QuestDB acknowledged the last request. ${rounds} measured rounds after a warm-up round; in each round every variant runs once, ` +
        'in rotating order, into an emptied table with QuestDB idle. Ratio = variant ÷ bare sender in the same round; the table shows medians.',
      '',
      '| variant | rows/s (median) | ratio to bare (median) | rows/s per round |',
      '|---|---:|---:|---|',
      ...results.map((x) => {
        const s = summarizeWriter(x);
        return `| ${x.description} | ${formatCount(s.rowsPerSecond)} | ${formatRatio(s.ratio)} | ${x.rowsPerSecond.map(formatCount).join(', ')} |`;
      }),
    );
  }
  if (r.ingest) out.push('', ...ingestSection(r));
  if (r.freshness) out.push('', ...freshnessSection(r.freshness));
  if (r.dashboards) {
    out.push(
      '',
      '## 4. Dashboards',
      '',
      `Reference data: ${r.dashboards.data}. Each dashboard's whole query set (variables, then every panel, one after another, every variable at All), after one warm-up run.`,
      '',
      ...r.dashboards.table,
    );
  }
  if (r.profile) {
    out.push(
      '',
      '## Collector profile',
      '',
      'Top self time of the collector process during the HTTP run (`node --cpu-prof`):',
      '',
      '| function | where | self time |',
      '|---|---|---:|',
      ...r.profile.map((p) => `| \`${p.fn}\` | ${p.where || '(native)'} | ${p.percent.toFixed(1)} % |`),
    );
  }
  return `${out.join('\n')}\n`;
}

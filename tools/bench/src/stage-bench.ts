import { CounterContinuity, DEFAULT_VALIDATION_OPTIONS, validateRows, type DaemonMetricsRow, type PipelineMetricsRow } from '@tradewatch/models';
import { createBuffer, SenderOptions } from '@questdb/nodejs-client';
import { batchEncoder, bytesEncoder, rowEncoder } from '@tradewatch/questdb-client';
import { CollectorMetrics, LatestValues, SeriesLinePrefixes, parseJsonBody } from '@tradewatch/collectors';
import { DaemonBodies, PipelineBodies, type BodyFactory } from './bench-rows';
import type { StageTable } from './stage-tables';
import { median } from './stats';


export interface StageResult {
  stage: string;
  /** Median CPU time per row, in microseconds, per table the step applies to. */
  microsPerRow: Partial<Record<StageTable, number>>;
}

/** Samples per daemon before the timed batches: past CounterContinuity's first trim (it keeps 64, trims beyond 128). */
const STEADY_HISTORY = 2 * 64 + 2;

interface Stage {
  stage: string;
  /** Before each round, untimed. */
  before?: () => void;
  run: (i: number) => unknown;
}

/**
 * CPU cost per row of each step a row takes through the collector, measured in this process on
 * one thread (no I/O; process CPU time, which includes a little GC work off the main thread):
 * what bounds HTTP ingest on a given core, for the pipeline route and the daemon route side by
 * side. Each stage runs over `batches` request bodies of `rowsPerBody` rows; the median per-round
 * time is reported.
 */
export async function benchStages(rowsPerBody: number, batches: number, rounds: number): Promise<StageResult[]> {
  const byTable = new Map<StageTable, Stage[]>([
    ['pipeline_metrics', await tableStages('pipeline_metrics', new PipelineBodies(rowsPerBody), batches)],
    ['daemon_metrics', await tableStages('daemon_metrics', new DaemonBodies(rowsPerBody), batches)],
  ]);
  // The daemon route's steps in their order (the pipeline route's, and continuity), then the pipeline-only comparisons.
  const names = [...new Set([...(byTable.get('daemon_metrics') ?? []), ...(byTable.get('pipeline_metrics') ?? [])].map((s) => s.stage))];
  return names.map((name) => {
    const stages = [...byTable].flatMap(([table, list]) => list.filter((s) => s.stage === name).map((stage) => ({ table, stage, perRound: [] as number[] })));
    // Rounds interleave the routes, so that a slow spell of the machine falls on both alike. Round 0 lets the JIT optimise first.
    for (let round = 0; round <= rounds; round++) {
      for (const { stage, perRound } of stages) {
        const micros = timeRound(stage, batches);
        if (round > 0) perRound.push(micros / (batches * rowsPerBody));
      }
    }
    return { stage: name, microsPerRow: Object.fromEntries(stages.map(({ table, perRound }) => [table, median(perRound)])) };
  });
}

/** CPU microseconds of one round of a stage (its `before` untimed): of this thread, not wall time, so other processes do not count. */
function timeRound({ before, run }: Stage, batches: number): number {
  before?.();
  const started = process.cpuUsage();
  for (let i = 0; i < batches; i++) run(i);
  const used = process.cpuUsage(started);
  return used.user + used.system;
}

/** The steps of one table's route, over `batches` bodies whose timestamps rise batch by batch. */
async function tableStages(table: StageTable, bodies: BodyFactory, batches: number): Promise<Stage[]> {
  const start = Date.now() * 1000 - 1_800_000_000;
  const texts = Array.from({ length: batches }, (_, i) => Buffer.from(bodies.body(start + i * 10)));
  const parsed = texts.map((t) => parseJsonBody(t) as unknown[]);
  const options = { ...DEFAULT_VALIDATION_OPTIONS, now: () => Date.now() };
  const rows = parsed.map((p) => validateRows(table, p, options));
  // The series are held, as they are after the first seconds of a load.
  const series = new LatestValues(new CollectorMetrics({ defaultMetrics: false }).registry);
  series.observe(table, rows[0]);
  const admitted = rows.map((r) => series.admit(table, r));
  const linePrefixes = new SeriesLinePrefixes();
  const appendEncode = bytesEncoder(table);
  const stages: Stage[] = [
    { stage: 'request body to objects (parseJsonBody: strict UTF-8, JSON.parse in pieces)', run: (i) => parseJsonBody(texts[i]) },
    // validateRows builds new rows and leaves the parsed ones as they are: every round reads the same ISO text.
    { stage: 'validateRows (compiled from the registry schema; zod only words refusals)', run: (i) => validateRows(table, parsed[i], options) },
    { stage: 'series limits: each row’s series looked up (LatestValues.admit)', run: (i) => series.admit(table, rows[i]) },
  ];
  if (table === 'daemon_metrics') {
    // Each round starts from the history a steady load leaves: every daemon's series full (past
    // its first trim, so no array grows while timed), its newest sample just before the batches.
    // The samples repeat one set of figures at earlier and earlier times (counters that stay
    // level never break continuity); the rows are the bench's own, retimed in place.
    const earlier = validateRows('daemon_metrics', parseJsonBody(Buffer.from(bodies.body(start - 1_000_000))) as unknown[], options);
    const earlierTimes = earlier.map((r) => r.timestamp);
    const earlierSeries = series.admit(table, earlier)?.series;
    let continuity = new CounterContinuity();
    stages.push({
      stage: 'counter continuity per (host, env) (CounterContinuity.admit)',
      before: () => {
        continuity = new CounterContinuity();
        for (let k = STEADY_HISTORY - 1; k >= 0; k--) {
          earlier.forEach((r, j) => (r.timestamp = earlierTimes[j] - k * 1_000_000));
          continuity.admit(earlier, earlierSeries);
        }
      },
      run: (i) => {
        // Timing refusals instead would measure the wrong path: the bench's counters only rise.
        // With the series limits' handles, as the recorder passes them.
        const { issues } = continuity.admit(rows[i] as DaemonMetricsRow[], admitted[i]?.series);
        if (issues.length > 0) throw new Error(`bench bug: the daemon rows broke counter continuity: ${issues[0].path} ${issues[0].message}`);
      },
    });
  }
  // The spool record holds this ILP, encoded once at append; shipping sends the bytes as they are.
  stages.push({
    stage: "ILP encoding at append (bytesEncoder, each row's symbols copied from its series' line prefix)",
    run: (i) => {
      const held = admitted[i];
      return appendEncode(rows[i], 0, held && linePrefixes.of(table, held));
    },
  });
  if (table === 'pipeline_metrics') {
    const encode = batchEncoder('pipeline_metrics');
    // The encoding the collector used before batchEncoder: the registry encoder into the client's buffer.
    const clientBuffer = createBuffer(await SenderOptions.fromConfig('http::addr=127.0.0.1:9000;protocol_version=2;'));
    const encodeRow = rowEncoder('pipeline_metrics');
    const clientEncode = (batch: readonly PipelineMetricsRow[]) => {
      clientBuffer.reset();
      for (const row of batch) void encodeRow(clientBuffer, row);
      return clientBuffer.toBufferNew();
    };
    stages.push(
      { stage: 'for comparison: ILP encoding without line prefixes (batchEncoder)', run: (i) => encode(rows[i]) },
      { stage: "for comparison: ILP encoding into the client's SenderBuffer (rowEncoder)", run: (i) => clientEncode(rows[i] as PipelineMetricsRow[]) },
    );
  }
  return stages;
}

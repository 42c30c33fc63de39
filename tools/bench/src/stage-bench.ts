import { DEFAULT_VALIDATION_OPTIONS, validateRows, type PipelineMetricsRow } from '@tradewatch/models';
import { createBuffer, SenderOptions } from '@questdb/nodejs-client';
import { batchEncoder, bytesEncoder, rowEncoder } from '@tradewatch/questdb-client';
import { CollectorMetrics, LatestValues, SeriesLinePrefixes, parseJsonBody } from '@tradewatch/collectors';
import { PipelineBodies } from './bench-rows';
import { median } from './stats';

export interface StageResult {
  stage: string;
  /** Median CPU time per row, in microseconds. */
  microsPerRow: number;
}

/**
 * CPU cost per row of each step a row takes through the collector, measured in this process on
 * one thread (no I/O; process CPU time, which includes a little GC work off the main thread): what bounds HTTP ingest on a given core. Each stage runs over `batches`
 * request bodies of `rowsPerBody` rows; the median per-batch time is reported.
 */
export async function benchStages(rowsPerBody: number, batches: number, rounds: number): Promise<StageResult[]> {
  const bodies = new PipelineBodies(rowsPerBody);
  const texts = Array.from({ length: batches }, (_, i) => Buffer.from(bodies.body(Date.now() * 1000 - 3_600_000_000 + i * 10)));
  const parsed = texts.map((t) => parseJsonBody(t) as unknown[]);
  const options = { ...DEFAULT_VALIDATION_OPTIONS, now: () => Date.now() };
  const rows = parsed.map((p) => validateRows('pipeline_metrics', p, options));
  const encode = batchEncoder('pipeline_metrics');
  // The encoding the collector used before batchEncoder: the registry encoder into the client's buffer.
  const clientBuffer = createBuffer(await SenderOptions.fromConfig('http::addr=127.0.0.1:9000;protocol_version=2;'));
  const encodeRow = rowEncoder('pipeline_metrics');
  const clientEncode = (batch: readonly PipelineMetricsRow[]) => {
    clientBuffer.reset();
    for (const row of batch) void encodeRow(clientBuffer, row);
    return clientBuffer.toBufferNew();
  };
  // The series are held, as they are after the first seconds of a load.
  const series = new LatestValues(new CollectorMetrics({ defaultMetrics: false }).registry);
  series.observe('pipeline_metrics', rows[0]);
  const admitted = rows.map((r) => series.admit('pipeline_metrics', r));
  const linePrefixes = new SeriesLinePrefixes();
  const appendEncode = bytesEncoder('pipeline_metrics');
  const stages: { stage: string; run: (i: number) => unknown }[] = [
    { stage: 'request body to objects (parseJsonBody: strict UTF-8, JSON.parse in pieces)', run: (i) => parseJsonBody(texts[i]) },
    // The route converts the parsed rows in place; here a copy, so that every round has ISO timestamps to read.
    { stage: 'validateRows (compiled from the registry schema; zod only words refusals)', run: (i) => validateRows('pipeline_metrics', parsed[i], options) },
    { stage: 'series limits: each row’s series looked up (LatestValues.admit)', run: (i) => series.admit('pipeline_metrics', rows[i]) },
    // The spool record holds this ILP, encoded once at append; shipping sends the bytes as they are.
    {
      stage: "ILP encoding at append (bytesEncoder, each row's symbols copied from its series' line prefix)",
      run: (i) => {
        const held = admitted[i];
        return appendEncode(rows[i], 0, held && linePrefixes.of('pipeline_metrics', held));
      },
    },
    { stage: 'for comparison: ILP encoding without line prefixes (batchEncoder)', run: (i) => encode(rows[i]) },
    { stage: "for comparison: ILP encoding into the client's SenderBuffer (rowEncoder)", run: (i) => clientEncode(rows[i]) },
  ];
  return stages.map(({ stage, run }) => {
    const perRound: number[] = [];
    for (let round = 0; round <= rounds; round++) {
      // CPU time of this thread, not wall time: other processes on the machine do not count.
      const started = process.cpuUsage();
      for (let i = 0; i < batches; i++) run(i);
      const used = process.cpuUsage(started);
      // Round 0 lets the JIT optimise the stage first.
      if (round > 0) perRound.push((used.user + used.system) / (batches * rowsPerBody));
    }
    return { stage, microsPerRow: median(perRound) };
  });
}

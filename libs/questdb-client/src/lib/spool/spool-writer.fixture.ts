/**
 * A process that ingests through a SpoolSink until it is killed, for the kill -9 test:
 *
 *   TSX_TSCONFIG_PATH=tsconfig.base.json node --import tsx spool-writer.fixture.ts <spoolDir> <questdbUrl> <host> <rowsPerBatch>
 *
 * Batch i holds rows with fetch_count = i; "ack <i>" is printed only after append(i) resolved,
 * so the parent knows exactly which batches were acknowledged. Four appends are kept in flight to
 * exercise group commit at the moment of the kill.
 */
import { SpoolSink } from './spool-sink';

async function main(): Promise<void> {
  const [dir, url, host, rowsArg] = process.argv.slice(2);
  const rowsPerBatch = Number(rowsArg);
  const sink = await SpoolSink.open({ dir, connection: { url }, backoff: { baseMs: 50, maxMs: 200 } });
  const base = Math.floor(Date.now() / 1000) * 1_000_000 - 3_600_000_000;
  let next = 0;
  const writer = async () => {
    for (;;) {
      const batch = next++;
      const rows = Array.from({ length: rowsPerBatch }, (_, j) => ({
        timestamp: base + batch * rowsPerBatch + j,
        host,
        env: 'dev' as const,
        running: true,
        fetch_count: batch,
      }));
      await sink.append('daemon_metrics', rows);
      process.stdout.write(`ack ${batch}\n`);
    }
  };
  await Promise.all([writer(), writer(), writer(), writer()]);
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});

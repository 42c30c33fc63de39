/**
 * A child process for the exit tests: hands `count` daemon rows to a Reporter without waiting for
 * delivery, then ends the way `mode` says:
 *   close   — `await reporter.close()` then `process.exit(0)` (the documented pattern);
 *   natural — returns; the event loop empties and the reporter flushes at `beforeExit`;
 *   sigterm — waits for SIGTERM, closes the reporter in the handler, exits 0;
 *   exit    — `process.exit(0)` at once: with <spill dir>, the exit handler spills every row.
 * Usage: node --import tsx report-and-exit.fixture.ts <collector url> <host> <count> <mode> [<spill dir>]
 */
import { Reporter } from '../index';

const [url, host, count, mode, spillDir] = process.argv.slice(2);
const reporter = new Reporter({ url, batchSize: 7, flushIntervalMs: 60_000, spillDir });
const base = Date.now() - 3_600_000;
for (let i = 0; i < Number(count); i++) {
  void reporter.daemon({ timestamp: base + i, host, env: 'dev', running: true, fetch_count: i });
}
if (mode === 'close') {
  void reporter.close().then(() => process.exit(0));
} else if (mode === 'exit') {
  process.exit(0);
} else if (mode === 'sigterm') {
  process.once('SIGTERM', () => void reporter.close().then(() => process.exit(0)));
  setInterval(() => undefined, 1_000);
  process.stdout.write('ready\n');
}

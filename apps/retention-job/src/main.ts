import { setTimeout as delay } from 'node:timers/promises';
import { RestClient } from '@tradewatch/questdb-client';
import {
  RETENTION_HELP,
  cliLogger,
  checkStatusFile,
  formatDuration,
  parseRetentionCommand,
  logFormat,
  registryRetention,
  runCli,
  runRetention,
  writeStatusFile,
} from '@tradewatch/ops';

async function main(): Promise<number> {
  const command = parseRetentionCommand(process.argv.slice(2), process.env);
  if (command.kind === 'help') {
    process.stdout.write(`${RETENTION_HELP}\n`);
    return 0;
  }
  if (command.kind === 'check-status') {
    const { healthy, reason } = await checkStatusFile(command.statusFile);
    process.stdout.write(`${reason}\n`);
    return healthy ? 0 : 1;
  }

  const log = cliLogger('retention-job', { format: logFormat(process.env, process.stdout.isTTY === true), level: process.env['LOG_LEVEL'] ?? 'info' });
  const rest = new RestClient(command.connection);
  const stop = new AbortController();
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => stop.abort());

  const runOnce = async (): Promise<boolean> => {
    const nextRunBy = command.everyMs ? new Date(Date.now() + command.everyMs).toISOString() : undefined;
    try {
      const summary = await runRetention(rest, registryRetention(), { dryRun: command.dryRun, log });
      if (command.statusFile) await writeStatusFile(command.statusFile, { ok: true, finishedAt: summary.finishedAt, nextRunBy });
      return true;
    } catch (error) {
      log.error({ err: error }, `retention run failed: ${error instanceof Error ? error.message : String(error)}`);
      if (command.statusFile) {
        await writeStatusFile(command.statusFile, { ok: false, finishedAt: new Date().toISOString(), nextRunBy, error: String(error) });
      }
      return false;
    }
  };

  if (!command.everyMs) return (await runOnce()) ? 0 : 1;

  log.info({ everyMs: command.everyMs, dryRun: command.dryRun }, `running every ${formatDuration(command.everyMs)}`);
  while (!stop.signal.aborted) {
    // A failed run is logged and retried at the next interval; the schedule keeps going.
    await runOnce();
    await delay(command.everyMs, undefined, { signal: stop.signal }).catch(() => undefined);
  }
  log.info('stopped');
  return 0;
}

void runCli('retention-job', main);

import type { QuestDbConnection } from '@tradewatch/questdb-client';
import { durationSetting, parseFlags } from '../cli/args';
import { exitCodesHelp } from '../cli/cli-main';
import { questDbFromEnv } from '../cli/questdb-env';

export const RETENTION_HELP = `retention-job: drops QuestDB partitions older than each table's retention (from the table registry)

Usage: retention-job [--dry-run] [--every <duration>] [--status-file <path>]
       retention-job --check-status <path>

  --dry-run              list the partitions that would be dropped; change nothing
  --every <duration>     keep running and repeat every <duration> (e.g. 24h); default: run once
  --status-file <path>   after each run write its outcome to <path> (JSON), for health checks
  --check-status <path>  exit 0 if <path> records a successful run recent enough, else 1
  --help                 this text

Environment: QUESTDB_URL (default http://127.0.0.1:9000), QUESTDB_USER, QUESTDB_PASSWORD,
RETENTION_EVERY, RETENTION_STATUS_FILE (defaults for the flags above), LOG_LEVEL (default info),
LOG_FORMAT (pretty or json; default: pretty on a terminal, json otherwise).
${exitCodesHelp({ ok: 'done (or, with --check-status, the last run is recent and succeeded)' })}`;

export type RetentionCommand =
  | { kind: 'help' }
  | { kind: 'check-status'; statusFile: string }
  | { kind: 'run'; connection: QuestDbConnection; dryRun: boolean; everyMs?: number; statusFile?: string };

/** Flags win over environment variables; anything invalid throws an OpsConfigError naming it. */
export function parseRetentionCommand(argv: readonly string[], env: NodeJS.ProcessEnv): RetentionCommand {
  const flags = parseFlags('retention-job', argv, {
    'dry-run': { type: 'boolean' },
    every: { type: 'string' },
    'status-file': { type: 'string' },
    'check-status': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (flags.help) return { kind: 'help' };
  if (flags['check-status'] !== undefined) return { kind: 'check-status', statusFile: flags['check-status'] };
  const everyMs =
    flags.every !== undefined ? durationSetting('--every', flags.every) : durationSetting('RETENTION_EVERY', env['RETENTION_EVERY']);
  return {
    kind: 'run',
    connection: questDbFromEnv(env),
    dryRun: flags['dry-run'] ?? false,
    everyMs,
    statusFile: flags['status-file'] ?? (env['RETENTION_STATUS_FILE'] || undefined),
  };
}

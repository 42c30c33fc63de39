/**
 * Dashboards and alerting as code (the logic lives in @tradewatch/grafana).
 *   generate [--out deploy/grafana]   write the Grafana provisioning tree
 *   check    [--out deploy/grafana]   exit 1 when the committed tree is not what the code generates
 *   alerts-check                       evaluate every alert rule against QuestDB (QUESTDB_URL) now
 *   alerts-backtest --from <t> [--to <t>] [--rule <uid,…>]
 *                                      replay every rule over stored history
 * Exit status: 0 done, 1 stale tree or failure, 2 bad usage or configuration.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { backtest, dryRun, formatBacktest, formatDryRun, renderFiles } from '@tradewatch/grafana';
import { questDbFromEnv } from '@tradewatch/ops';
import { MetricsClient } from '@tradewatch/questdb-client';
import { backtestRequest, progressPrinter, UsageError } from './backtest-args';
import { diffFiles, writeFiles } from './output';

const PROGRAM = 'dashboard-generator';
const USAGE = `usage: ${PROGRAM} <generate|check|alerts-check|alerts-backtest> [--out <dir>] [--from <time> --to <time> --rule <uid,…>]
  times: 2026-11-01, 2026-11-01T12:00:00Z, now, now-7d`;

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      out: { type: 'string', default: 'deploy/grafana' },
      from: { type: 'string' },
      to: { type: 'string' },
      rule: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return command || values.help ? 0 : 2;
  }
  const root = resolve(values.out);
  switch (command) {
    case 'generate': {
      const { written, removed } = await writeFiles(root, renderFiles());
      console.log(`wrote ${written} files under ${root}${removed.length ? `; removed ${removed.join(', ')}` : ''}`);
      return 0;
    }
    case 'check': {
      const diff = await diffFiles(root, renderFiles());
      if (diff.length === 0) {
        console.log(`${root} is up to date`);
        return 0;
      }
      for (const d of diff) console.error(`${d.path}: ${d.problem}`);
      console.error('The generated Grafana files are stale: run `npx nx run dashboards:generate` and commit the result.');
      return 1;
    }
    case 'alerts-check': {
      const client = await MetricsClient.connect(questDbFromEnv(process.env));
      try {
        const instances = await dryRun(client);
        console.log(formatDryRun(instances));
        const count = (state: string) => instances.filter((i) => i.state === state).length;
        console.log(`\n${instances.length} instance(s): ${count('firing')} firing, ${count('pending')} pending, ${count('normal')} normal`);
      } finally {
        await client.close();
      }
      return 0;
    }
    case 'alerts-backtest': {
      const request = backtestRequest(values, Date.now());
      const client = await MetricsClient.connect(questDbFromEnv(process.env));
      try {
        console.error(`${PROGRAM}: replaying ${request.groups.reduce((n, g) => n + g.rules.length, 0)} rule(s) from ${new Date(request.fromMs).toISOString()} to ${new Date(request.toMs).toISOString()}`);
        const results = await backtest(client, { ...request, onProgress: progressPrinter(process.stderr) });
        console.log(formatBacktest(results, request.toMs));
      } finally {
        await client.close();
      }
      return 0;
    }
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    const message = error instanceof Error ? error.message.replace(/\. To specify a positional.*$/s, '') : String(error);
    const usage = error instanceof UsageError || (error instanceof Error && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'));
    const config = error instanceof Error && 'code' in error && error.code === 'ops_config_invalid';
    console.error(`${PROGRAM}: ${message}${usage ? `\n${USAGE}` : ''}`);
    process.exitCode = usage || config ? 2 : 1;
  },
);

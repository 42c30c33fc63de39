/**
 * Dashboards and alerting as code.
 *   generate [--out deploy/grafana]   write the Grafana provisioning tree
 *   check    [--out deploy/grafana]   exit 1 when the committed tree is not what the code generates
 *   alerts-check                       evaluate every alert rule against QuestDB (QUESTDB_URL) now
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { dryRun, formatDryRun, renderFiles } from '@tradewatch/grafana';
import { questDbFromEnv } from '@tradewatch/ops';
import { MetricsClient } from '@tradewatch/questdb-client';
import { diffFiles, writeFiles } from './output';

const USAGE = 'usage: dashboard-generator <generate|check|alerts-check> [--out <dir>]';

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { out: { type: 'string', default: 'deploy/grafana' }, help: { type: 'boolean', short: 'h' } },
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
    default:
      console.error(`unknown command "${command}"\n${USAGE}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  },
);

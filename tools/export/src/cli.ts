/**
 * `npm run export -- --table … --from … --to … --out file.csv`: CSV export of a table's time
 * range through QuestDB's /exp endpoint, with progress on stderr. Exit 0 done, 1 failed, 2 bad
 * arguments.
 */
import { EXPORT_HELP, ProgressDisplay, exportCsv, parseExportCommand, runCli } from '@tradewatch/ops';
import { formatIsoMicros } from '@tradewatch/models';

async function main(): Promise<number> {
  const command = parseExportCommand(process.argv.slice(2), process.env);
  if (command.kind === 'help') {
    process.stdout.write(`${EXPORT_HELP}\n`);
    return 0;
  }
  const display = new ProgressDisplay(process.stderr);
  process.stderr.write(`exporting ${command.table} from ${formatIsoMicros(command.from)} to ${formatIsoMicros(command.to)} (exclusive) to ${command.out === '-' ? 'standard output' : command.out}\n`);
  const result = await exportCsv(command, { onProgress: (p) => display.update(p) });
  display.done({ ...result, expectedRows: result.expectedRows }, `wrote ${command.out === '-' ? 'standard output' : command.out}`);
  return 0;
}

void runCli('export', main);

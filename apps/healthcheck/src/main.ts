import { HEALTH_HELP, exitCodeFor, parseHealthCommand, renderHealthJson, renderHealthTable, runCli, runHealthChecks } from '@tradewatch/ops';

/** Exit status: 0 healthy, 1 unhealthy, 2 misconfigured (for Docker/Kubernetes probes and scripts). */
async function main(): Promise<number> {
  const command = parseHealthCommand(process.argv.slice(2), process.env);
  if (command.kind === 'help') {
    process.stdout.write(`${HEALTH_HELP}\n`);
    return 0;
  }
  const report = await runHealthChecks(command, process.env);
  process.stdout.write(command.json ? renderHealthJson(report) : renderHealthTable(report));
  return exitCodeFor(report);
}

void runCli('healthcheck', main);

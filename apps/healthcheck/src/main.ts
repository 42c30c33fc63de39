import { HEALTH_HELP, OpsConfigError, exitCodeFor, parseHealthCommand, renderHealthJson, renderHealthTable, runHealthChecks } from '@tradewatch/ops';

/** Exit status: 0 healthy, 1 unhealthy, 2 misconfigured (for Docker/Kubernetes probes and scripts). */
async function main(): Promise<number> {
  const command = parseHealthCommand(process.argv.slice(2), process.env);
  if (command.kind === 'help') {
    process.stdout.write(`${HEALTH_HELP}\n`);
    return 0;
  }
  const report = await runHealthChecks(command);
  process.stdout.write(command.json ? renderHealthJson(report) : renderHealthTable(report));
  return exitCodeFor(report);
}

main().then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    process.stderr.write(`healthcheck: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = error instanceof OpsConfigError ? 2 : 1;
  },
);

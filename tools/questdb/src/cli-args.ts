import { isLauncherError } from './errors';
import { DEFAULTS, parsePort, parseSeconds, splitJavaOpts, type QuestDbOptions } from './options';
import { QUESTDB_VERSION } from './version';

export const COMMANDS = ['start', 'stop', 'status', 'fetch'] as const;
export type Command = (typeof COMMANDS)[number];

export interface CliArgs {
  command?: Command;
  help: boolean;
  options: QuestDbOptions;
}

/** Bad command line: the CLI prints the message and exits with 2, like most Unix tools. */
export class CliUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliUsageError';
  }
}

type FlagSetter = (options: QuestDbOptions, value: string, flag: string) => void;

/** Wraps the shared validators so a bad value names the flag it came from. */
function checked<T>(parse: (value: string, source: string) => T): (value: string, flag: string) => T {
  return (value, flag) => {
    try {
      return parse(value, flag);
    } catch (err) {
      throw new CliUsageError(isLauncherError(err) ? err.message : String(err));
    }
  };
}
const port = checked(parsePort);
const seconds = checked(parseSeconds);

const FLAGS: Record<string, FlagSetter> = {
  '--http-port': (o, v, f) => (o.httpPort = port(v, f)),
  '--pg-port': (o, v, f) => (o.pgPort = port(v, f)),
  '--ilp-port': (o, v, f) => (o.ilpPort = port(v, f)),
  '--min-port': (o, v, f) => (o.minPort = port(v, f)),
  '--data-dir': (o, v) => (o.dataDir = v),
  '--bind': (o, v) => (o.bind = v),
  '--start-timeout': (o, v, f) => (o.startTimeoutMs = seconds(v, f)),
  '--stop-timeout': (o, v, f) => (o.stopTimeoutMs = seconds(v, f)),
  '--java-opts': (o, v) => (o.javaOpts = splitJavaOpts(v)),
};

/** Accepts `--flag value` and `--flag=value`; flags may come before or after the command. */
export function parseCliArgs(argv: readonly string[]): CliArgs {
  const result: CliArgs = { help: false, options: {} };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '-h' || arg === '--help') {
      result.help = true;
      continue;
    }
    if (arg.startsWith('-')) {
      const eq = arg.indexOf('=');
      const flag = eq >= 0 ? arg.slice(0, eq) : arg;
      const setter = FLAGS[flag];
      if (!setter) throw new CliUsageError(`Unknown option '${flag}'. Run with --help for the list.`);
      let value: string | undefined;
      if (eq >= 0) value = arg.slice(eq + 1);
      else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) value = argv[++i];
      if (value === undefined || value === '') throw new CliUsageError(`Option ${flag} needs a value.`);
      setter(result.options, value, flag);
      continue;
    }
    if (result.command !== undefined) {
      throw new CliUsageError(`Unexpected argument '${arg}': give one command (${COMMANDS.join(', ')}).`);
    }
    if (!(COMMANDS as readonly string[]).includes(arg)) {
      throw new CliUsageError(`Unknown command '${arg}'. Commands: ${COMMANDS.join(', ')}.`);
    }
    result.command = arg as Command;
  }
  if (!result.help && result.command === undefined) {
    throw new CliUsageError(`No command given. Commands: ${COMMANDS.join(', ')}. Run with --help.`);
  }
  return result;
}

export function helpText(): string {
  return `Usage: tsx tools/questdb/src/cli.ts <command> [options]
       npm run questdb:start | questdb:status | questdb:stop [-- options]

Runs QuestDB ${QUESTDB_VERSION} (the jar is downloaded once into ~/.cache/tradewatch/questdb,
or $QUESTDB_JAR_CACHE) in the background, with its pid and log files in the data dir.

Commands:
  start    start QuestDB detached and wait until it answers; prints the HTTP URL.
  fetch    download the pinned server jar into the cache (verified), and print its path.
           Already running from the same data dir: says so and exits 0.
  status   exit 0 running, 1 process alive but HTTP not answering, 3 not running
  stop     SIGTERM, then SIGKILL after the stop timeout; not running is not an error

Options (flag, then env var, then default):
  --data-dir <dir>         QUESTDB_DATA_DIR       ${DEFAULTS.dataDir} (under the repo root)
  --bind <address>         QUESTDB_BIND           ${DEFAULTS.bind}
  --http-port <port>       QUESTDB_HTTP_PORT      ${DEFAULTS.httpPort}  (REST, web console, ILP/HTTP)
  --pg-port <port>         QUESTDB_PG_PORT        ${DEFAULTS.pgPort}  (PGWire, admin/quest)
  --ilp-port <port>        QUESTDB_ILP_PORT       ${DEFAULTS.ilpPort}  (ILP over TCP)
  --min-port <port>        QUESTDB_MIN_PORT       ${DEFAULTS.minPort}  (health: http.min)
  --start-timeout <s>      QUESTDB_START_TIMEOUT  ${DEFAULTS.startTimeoutMs / 1000}
  --stop-timeout <s>       QUESTDB_STOP_TIMEOUT   ${DEFAULTS.stopTimeoutMs / 1000}
  --java-opts "<opts>"     QUESTDB_JAVA_OPTS      ${DEFAULTS.javaOpts.join(' ')}  (replaces the heap options)
  -h, --help               this text

status and stop find the server through the data dir, so give them the same --data-dir.
`;
}

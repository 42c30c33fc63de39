import { OpsConfigError } from '../errors';

/**
 * Exit status of every Tradewatch command-line tool: 0 done (healthy), 1 failed (unhealthy),
 * 2 misconfigured (a bad flag, variable or argument).
 */
export const EXIT_CODES = { ok: 0, failed: 1, misconfigured: 2 } as const;

/** The `Exit status:` paragraph of every tool's --help, so they all say the same. */
export function exitCodesHelp(what: { ok?: string; failed?: string } = {}): string {
  return `Exit status: 0 ${what.ok ?? 'done'}, 1 ${what.failed ?? 'failed'}, 2 misconfigured (bad flag, variable or argument).`;
}

/**
 * One line for a failure: the error's message, without a leading `<program>: ` (the caller adds
 * the program name once) and without a stack.
 */
export function errorLine(program: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const prefix = `${program}: `;
  let text = message.trim();
  while (text.startsWith(prefix)) text = text.slice(prefix.length);
  return `${program}: ${text}`;
}

export function exitCodeOf(error: unknown): number {
  return error instanceof OpsConfigError ? EXIT_CODES.misconfigured : EXIT_CODES.failed;
}

/**
 * Runs a tool's main function: its result is the exit code; a thrown error becomes one line on
 * stderr naming the program once, and exit 2 for a configuration error, 1 otherwise.
 */
export function runCli(program: string, main: () => Promise<number>, stderr: NodeJS.WritableStream = process.stderr): Promise<number> {
  return main().then(
    (code) => {
      process.exitCode = code;
      return code;
    },
    (error: unknown) => {
      stderr.write(`${errorLine(program, error)}\n`);
      const code = exitCodeOf(error);
      process.exitCode = code;
      return code;
    },
  );
}

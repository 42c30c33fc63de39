import { parseArgs, type ParseArgsConfig } from 'node:util';
import { OpsConfigError } from '../errors';
import { parseDuration } from './duration';

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * `util.parseArgs` in strict mode, with its errors turned into an OpsConfigError that names the
 * flag and points to `--help`.
 */
export function parseFlags<O extends Options>(program: string, argv: readonly string[], options: O) {
  try {
    return parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // The program name is added once, by runCli.
    throw new OpsConfigError(`${message.replace(/\. To specify a positional.*$/s, '')} (see ${program} --help)`);
  }
}

/** A duration flag or variable (`30s`, `5m`, `24h`, `7d`), named in the error if it is not one. */
export function durationSetting(name: string, text: string | undefined): number | undefined {
  if (text === undefined || text === '') return undefined;
  const ms = parseDuration(text);
  if (ms === undefined) throw new OpsConfigError(`${name}: "${text}" is not a duration; use e.g. 30s, 5m, 24h or 7d`);
  return ms;
}

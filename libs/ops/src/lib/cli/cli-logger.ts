import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';
import { OpsConfigError } from '../errors';

export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/**
 * How a tool logs: LOG_FORMAT (json or pretty) when set, else human-readable lines on a terminal
 * and JSON (one object a line, for log collectors) when the output is not a terminal.
 */
export function logFormat(env: NodeJS.ProcessEnv, isTty: boolean): LogFormat {
  const given = env['LOG_FORMAT'];
  if (given === undefined || given === '') return isTty ? 'pretty' : 'json';
  if ((LOG_FORMATS as readonly string[]).includes(given)) return given as LogFormat;
  throw new OpsConfigError(`LOG_FORMAT: "${given}" is not one of ${LOG_FORMATS.join(', ')}`);
}

export interface CliLoggerOptions {
  format: LogFormat;
  level: string;
  /** Where the lines go; default standard output. */
  stream?: NodeJS.WritableStream;
}

/**
 * A pino logger for a command-line tool. Pretty lines carry the time, level and message, and
 * an error's message, not its stack (the stack is in the JSON form, and at debug level).
 */
export function cliLogger(program: string, options: CliLoggerOptions): Logger {
  const destination = options.stream ?? process.stdout;
  if (options.format === 'json') return pino({ name: program, level: options.level }, destination as pino.DestinationStream);
  const verbose = options.level === 'debug' || options.level === 'trace';
  const stream = pretty({
    destination,
    sync: true,
    singleLine: true,
    colorize: (destination as { isTTY?: boolean }).isTTY === true,
    translateTime: 'SYS:HH:MM:ss',
    // Messages name what failed and why; the error object (with its stack) only at debug level.
    ignore: verbose ? 'pid,hostname,name' : 'pid,hostname,name,err',
  });
  return pino({ name: program, level: options.level }, stream);
}

import { formatIsoMicros, parseIsoMicros, TABLE_NAMES, TABLES, isTableName, type EpochMicros, type TableName } from '@tradewatch/models';
import type { QuestDbConnection } from '@tradewatch/questdb-client';
import { parseFlags } from '../cli/args';
import { exitCodesHelp } from '../cli/cli-main';
import { parseDuration } from '../cli/duration';
import { questDbFromEnv } from '../cli/questdb-env';
import { OpsConfigError } from '../errors';
import { assertTableIdentifier } from '../retention/partitions';

export const EXPORT_HELP = `export: stream a table's rows in a time range to a CSV file (through QuestDB's /exp endpoint)

Usage: npm run export -- --table <table> --from <time> --to <time> --out <file.csv> [options]

  --table <table>      one of: ${TABLE_NAMES.join(', ')}
  --from <time>        start, inclusive: ISO-8601 UTC (2026-11-01T00:00:00Z), a date (2026-11-01),
                       now, or now-<duration> (now-30d, now-6h)
  --to <time>          end, exclusive; same forms
  --out <file>         where to write the CSV; - for standard output
  --columns <a,b,…>    only these columns (default: all, in table order)
  --force              overwrite --out if it exists
  --help               this text

Environment: QUESTDB_URL (default http://127.0.0.1:9000), QUESTDB_USER, QUESTDB_PASSWORD.
Progress (rows, bytes, rate) goes to standard error.
${exitCodesHelp({ ok: 'exported' })}`;

export interface ExportRequest {
  connection: QuestDbConnection;
  table: TableName;
  columns: string[];
  from: EpochMicros;
  to: EpochMicros;
  out: string;
  force: boolean;
}

export type ExportCommand = { kind: 'help' } | ({ kind: 'export' } & ExportRequest);

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const RELATIVE = /^now(?:-(.+))?$/;

/** `2026-11-01`, `2026-11-01T12:00:00Z`, `now`, `now-30d`; undefined if none of those. */
export function parseTimeArg(text: string, nowMs: number): EpochMicros | undefined {
  const rel = RELATIVE.exec(text);
  if (rel) {
    if (rel[1] === undefined) return nowMs * 1000;
    const ms = parseDuration(rel[1]);
    return ms === undefined ? undefined : (nowMs - ms) * 1000;
  }
  return parseIsoMicros(DATE_ONLY.test(text) ? `${text}T00:00:00Z` : text);
}

function required(flag: string, value: string | undefined): string {
  if (value === undefined || value === '') throw new OpsConfigError(`--${flag} is required (see export --help)`);
  return value;
}

export function parseExportCommand(argv: readonly string[], env: NodeJS.ProcessEnv, nowMs: number = Date.now()): ExportCommand {
  const flags = parseFlags('export', argv, {
    table: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    out: { type: 'string', short: 'o' },
    columns: { type: 'string' },
    force: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (flags.help) return { kind: 'help' };

  const table = required('table', flags.table);
  if (!isTableName(table)) throw new OpsConfigError(`--table: unknown table "${table}"; valid tables: ${TABLE_NAMES.join(', ')}`);

  const known: readonly string[] = TABLES[table].columnNames;
  const columns = flags.columns === undefined ? [...known] : flags.columns.split(',').map((c) => c.trim()).filter(Boolean);
  const unknown = columns.filter((c) => !known.includes(c));
  if (unknown.length > 0 || columns.length === 0) {
    throw new OpsConfigError(`--columns: ${unknown.length ? `unknown column(s) ${unknown.join(', ')}` : 'no columns given'}; ${table} has ${known.join(', ')}`);
  }

  const time = (flag: 'from' | 'to') => {
    const text = required(flag, flags[flag]);
    const micros = parseTimeArg(text, nowMs);
    if (micros === undefined) {
      throw new OpsConfigError(`--${flag}: "${text}" is not a time; use ISO-8601 UTC (2026-11-01T00:00:00Z), a date (2026-11-01), now or now-30d`);
    }
    return micros;
  };
  const from = time('from');
  const to = time('to');
  if (from >= to) {
    throw new OpsConfigError(`--from (${formatIsoMicros(from)}) must be before --to (${formatIsoMicros(to)}); --to is exclusive`);
  }

  return { kind: 'export', connection: questDbFromEnv(env), table, columns, from, to, out: required('out', flags.out), force: flags.force ?? false };
}

/** What to export where; `table` and `columns` are checked identifiers (see parseExportCommand). */
export interface ExportSpec {
  connection: QuestDbConnection;
  table: string;
  columns: string[];
  from: EpochMicros;
  to: EpochMicros;
  out: string;
  force?: boolean;
}

/** The SELECT the export streams; `to` is exclusive so consecutive ranges never overlap. */
export function exportQuery(req: Pick<ExportSpec, 'table' | 'columns' | 'from' | 'to'>): string {
  assertTableIdentifier(req.table);
  req.columns.forEach(assertTableIdentifier);
  return `SELECT ${req.columns.join(', ')} FROM ${req.table} WHERE timestamp >= '${formatIsoMicros(req.from)}' AND timestamp < '${formatIsoMicros(req.to)}'`;
}

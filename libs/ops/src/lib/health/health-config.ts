import { z } from 'zod';
import { OPT_IN_TABLES, TABLE_NAMES, isTableName, type TableName } from '@tradewatch/models';
import type { QuestDbConnection } from '@tradewatch/questdb-client';
import { durationSetting, parseFlags } from '../cli/args';
import { questDbFromEnv } from '../cli/questdb-env';
import { OpsConfigError } from '../errors';

export const HEALTH_CHECKS = ['questdb', 'collector', 'grafana', 'freshness'] as const;
export type HealthCheckKind = (typeof HEALTH_CHECKS)[number];

export const DEFAULT_COLLECTOR_URL = 'http://127.0.0.1:8080';
export const DEFAULT_MAX_AGE_MS = 5 * 60_000;
export const DEFAULT_TIMEOUT_MS = 5_000;

export const HEALTH_HELP = `healthcheck: one-shot check of the Tradewatch stack

Usage: healthcheck [--json] [options]

  --questdb-url <url>        QuestDB HTTP URL                 (QUESTDB_URL, default http://127.0.0.1:9000)
  --collector-url <url>      collector base URL; /health/ready is checked
                                                              (COLLECTOR_URL, default ${DEFAULT_COLLECTOR_URL})
  --grafana-url <url>        Grafana base URL; /api/health is checked when set   (GRAFANA_URL)
  --tables <a,b,…>           tables whose newest row must be fresh (HEALTHCHECK_TABLES, default all:
                             ${TABLE_NAMES.join(', ')})
  --max-age <duration>       how old the newest row may be      (HEALTHCHECK_MAX_AGE, default 5m)
  --max-age <table>=<dur>    the same for one table; may be repeated (HEALTHCHECK_MAX_AGE_<TABLE>)
  --skip <check,…>           leave out checks: ${HEALTH_CHECKS.join(', ')}       (HEALTHCHECK_SKIP)
  --timeout <duration>       per-check timeout                  (HEALTHCHECK_TIMEOUT, default 5s)
  --json                     print JSON instead of a table
  --help                     this text

QUESTDB_USER / QUESTDB_PASSWORD are used when set.
Exit status: 0 healthy, 1 unhealthy, 2 misconfigured.`;

export interface HealthConfig {
  questdb: QuestDbConnection;
  collectorUrl?: string;
  grafanaUrl?: string;
  freshness: { table: TableName; maxAgeMs: number }[];
  timeoutMs: number;
  json: boolean;
}

export type HealthCommand = { kind: 'help' } | ({ kind: 'check' } & HealthConfig);

const httpUrl = z.url({ protocol: /^https?$/ }).transform((u) => u.replace(/\/+$/, ''));

function urlSetting(name: string, value: string): string {
  const parsed = httpUrl.safeParse(value);
  if (!parsed.success) throw new OpsConfigError(`${name}: "${value}" is not an http(s) URL such as http://127.0.0.1:8080`);
  return parsed.data;
}

function listSetting(text: string | undefined): string[] {
  return (text ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}

function tableSetting(name: string, table: string): TableName {
  if (!isTableName(table)) throw new OpsConfigError(`${name}: unknown table "${table}"; valid tables: ${TABLE_NAMES.join(', ')}`);
  return table;
}

/** Flags win over environment variables; every problem is an OpsConfigError naming the setting. */
export function parseHealthCommand(argv: readonly string[], env: NodeJS.ProcessEnv): HealthCommand {
  const flags = parseFlags('healthcheck', argv, {
    'questdb-url': { type: 'string' },
    'collector-url': { type: 'string' },
    'grafana-url': { type: 'string' },
    tables: { type: 'string' },
    'max-age': { type: 'string', multiple: true },
    skip: { type: 'string' },
    timeout: { type: 'string' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (flags.help) return { kind: 'help' };

  const skipSource = flags.skip !== undefined ? '--skip' : 'HEALTHCHECK_SKIP';
  const skip = new Set(listSetting(flags.skip ?? env['HEALTHCHECK_SKIP']));
  for (const s of skip) {
    if (!(HEALTH_CHECKS as readonly string[]).includes(s)) {
      throw new OpsConfigError(`${skipSource}: unknown check "${s}"; checks are ${HEALTH_CHECKS.join(', ')}`);
    }
  }

  // Default limit, then per-table limits: from the environment first, flags override.
  let defaultMaxAge = durationSetting('HEALTHCHECK_MAX_AGE', env['HEALTHCHECK_MAX_AGE']) ?? DEFAULT_MAX_AGE_MS;
  const perTable = new Map<TableName, number>();
  for (const table of TABLE_NAMES) {
    const name = `HEALTHCHECK_MAX_AGE_${table.toUpperCase()}`;
    const ms = durationSetting(name, env[name]);
    if (ms !== undefined) perTable.set(table, ms);
  }
  for (const item of flags['max-age'] ?? []) {
    const eq = item.indexOf('=');
    if (eq < 0) {
      defaultMaxAge = durationSetting('--max-age', item) ?? defaultMaxAge;
    } else {
      const table = tableSetting('--max-age', item.slice(0, eq));
      perTable.set(table, durationSetting(`--max-age ${table}`, item.slice(eq + 1)) ?? defaultMaxAge);
    }
  }

  const tablesSource = flags.tables !== undefined ? '--tables' : 'HEALTHCHECK_TABLES';
  const tableList = listSetting(flags.tables ?? env['HEALTHCHECK_TABLES']);
  const tables = tableList.length > 0 ? tableList.map((t) => tableSetting(tablesSource, t)) : TABLE_NAMES.filter((t) => !OPT_IN_TABLES.has(t));

  const collectorUrl = flags['collector-url'] ?? (env['COLLECTOR_URL'] || DEFAULT_COLLECTOR_URL);
  const grafanaUrl = flags['grafana-url'] ?? (env['GRAFANA_URL'] || undefined);
  return {
    kind: 'check',
    questdb: questDbFromEnv(env, flags['questdb-url']),
    collectorUrl: skip.has('collector') ? undefined : urlSetting(flags['collector-url'] ? '--collector-url' : 'COLLECTOR_URL', collectorUrl),
    grafanaUrl: skip.has('grafana') || grafanaUrl === undefined ? undefined : urlSetting(flags['grafana-url'] ? '--grafana-url' : 'GRAFANA_URL', grafanaUrl),
    freshness: skip.has('freshness') ? [] : tables.map((table) => ({ table, maxAgeMs: perTable.get(table) ?? defaultMaxAge })),
    timeoutMs: (flags.timeout !== undefined ? durationSetting('--timeout', flags.timeout) : durationSetting('HEALTHCHECK_TIMEOUT', env['HEALTHCHECK_TIMEOUT'])) ?? DEFAULT_TIMEOUT_MS,
    json: flags.json ?? false,
  };
}

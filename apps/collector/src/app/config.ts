import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { DEFAULT_LINGER_MS } from '@tradewatch/questdb-client';
import {
  DEFAULT_VALIDATION_OPTIONS,
  ENVIRONMENTS,
  validationOptionsSchema,
} from '@tradewatch/models';
import {
  ConfigError,
  DEFAULT_SERIES_LIMITS,
  apiCallOptionsSchema,
  daemonOptionsSchema,
  inventoryOptionsSchema,
  exchangeOptionsSchema,
  isLoopback,
  pipelineOptionsSchema,
  tradingOptionsSchema,
  type CollectorServiceOptions,
} from '@tradewatch/collectors';
import { DEMO_SETTINGS } from '@tradewatch/demo';

/** A comma-separated list of bearer tokens, each at least 16 characters. */
const tokenList = z
  .string()
  .optional()
  .transform((s) => (s ?? '').split(',').map((t) => t.trim()).filter((t) => t.length > 0))
  .refine((tokens) => tokens.every((t) => t.length >= 16), 'every token must be at least 16 characters');

/** docs/product.md §4 environment variables (plus log level, host and env of the collector's own rows). */
const envSchema = z.object({
  QUESTDB_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL such as http://127.0.0.1:9000' })
    // Credentials in a URL end up in logs and error messages; they have their own variables.
    .refine((u) => !URL.canParse(u) || (new URL(u).username === '' && new URL(u).password === ''), 'must not contain credentials; set QUESTDB_USER and QUESTDB_PASSWORD instead')
    .default('http://127.0.0.1:9000'),
  QUESTDB_USER: z.string().optional(),
  QUESTDB_PASSWORD: z.string().optional(),
  COLLECTOR_PORT: z.coerce.number({ error: 'must be a port number' }).int('must be a port number').min(0).max(65_535).default(8080),
  COLLECTOR_BIND: z.string().min(1).default('127.0.0.1'),
  COLLECTOR_TOKENS: tokenList,
  /** Read-only tokens for `/metrics` and `/health/ready` details (Prometheus), when bound beyond loopback. */
  COLLECTOR_SCRAPE_TOKENS: tokenList,
  COLLECTOR_SPOOL_DIR: z.string().min(1).optional(),
  COLLECTOR_CONFIG: z.string().min(1).optional(),
  COLLECTOR_DEMO: z.enum(['0', '1', 'true', 'false'], { error: 'must be 1 or 0' }).optional().transform((v) => v === '1' || v === 'true'),
  COLLECTOR_HOST: z.string().min(1).max(255).optional(),
  COLLECTOR_ENV: z.enum(ENVIRONMENTS).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

/** The optional config file (YAML or JSON): everything that is more than one value. */
const fileSchema = z.strictObject({
  /** `host` of the rows the collector produces itself; default COLLECTOR_HOST or the machine's host name. */
  host: z.string().min(1).max(255).optional(),
  env: z.enum(ENVIRONMENTS).optional(),
  validation: validationOptionsSchema.partial().strict().prefault({}),
  limits: z
    .strictObject({
      maxBodyBytes: z.number().int().min(1_024).default(5 * 1024 * 1024),
      maxRowsPerRequest: z.number().int().min(1).default(10_000),
      /** New series (hosts, positions, fetch series…) one request may create. */
      maxNewSeriesPerRequest: z.number().int().min(1).default(DEFAULT_SERIES_LIMITS.maxNewSeriesPerRequest),
      /** Series the collector holds (and /metrics shows) per table. */
      maxSeriesPerTable: z.number().int().min(1).default(DEFAULT_SERIES_LIMITS.maxSeriesPerTable),
      /** A series not reported for this long is forgotten. */
      forgetSeriesAfterMs: z.number().int().min(1_000).default(DEFAULT_SERIES_LIMITS.forgetSeriesAfterMs),
    })
    .prefault({}),
  /** The durable spool (used by the spool sink). */
  spool: z
    .strictObject({
      dir: z.string().min(1).optional(),
      maxBytes: z.number().int().min(1024 * 1024).default(1024 * 1024 * 1024),
      /** Least time between two shipping rounds while less than a full request waits (QuestDB prefers few large transactions). */
      lingerMs: z.number().int().min(0).max(5_000).default(DEFAULT_LINGER_MS),
    })
    .prefault({}),
  /** The 1-minute rollups are `REFRESH MANUAL` views: this collector asks QuestDB to refresh them. */
  rollups: z
    .strictObject({
      /** How often (0: never; another collector does it). */
      refreshIntervalMs: z.number().int().min(0).default(10_000),
    })
    .prefault({}),
  questdb: z
    .strictObject({
      batchRows: z.number().int().min(1).default(1_000),
      flushIntervalMs: z.number().int().min(10).default(1_000),
      retryTimeoutMs: z.number().int().min(100).default(5_000),
      /** How long start-up waits for QuestDB to answer before giving up. */
      startupTimeoutMs: z.number().int().min(0).default(60_000),
    })
    .prefault({}),
  daemons: daemonOptionsSchema.prefault({}),
  exchanges: exchangeOptionsSchema.prefault({}),
  pipeline: pipelineOptionsSchema.prefault({}),
  trading: tradingOptionsSchema.prefault({}),
  apiCalls: apiCallOptionsSchema.prefault({}),
  /** The source inventory: cadences, forgetting, expected sources (docs/configuration.md). */
  inventory: inventoryOptionsSchema.prefault({}),
  /** The collector's own heartbeat row (collector_heartbeat). */
  heartbeat: z
    .strictObject({
      intervalMs: z.number().int().min(100).default(10_000),
    })
    .prefault({}),
  shutdown: z.strictObject({ drainTimeoutMs: z.number().int().min(0).default(10_000) }).prefault({}),
});

export interface CollectorConfig {
  questdb: { url: string; user?: string; password?: string; batchRows: number; flushIntervalMs: number; retryTimeoutMs: number; startupTimeoutMs: number };
  /**
   * `scrapeTokens`: who may read `/metrics` and the details of `/health/ready` — undefined (open)
   * on loopback, else the ingest and scrape tokens together.
   */
  http: { port: number; bind: string; tokens: string[]; scrapeTokens: string[] | undefined; maxBodyBytes: number };
  spool: { dir: string; maxBytes: number; lingerMs: number };
  rollups: { refreshIntervalMs: number };
  demo: boolean;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  shutdown: { drainTimeoutMs: number };
  service: CollectorServiceOptions;
}

function issuesText(issues: z.core.$ZodIssue[], prefix: (path: PropertyKey[]) => string): string {
  return issues.map((i) => `  ${prefix(i.path)}: ${i.message}`).join('\n');
}

function readConfigFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`COLLECTOR_CONFIG: cannot read ${path}: ${(error as Error).message}`);
  }
  try {
    // YAML 1.2 is a superset of JSON: one parser reads both.
    return parseYaml(text) ?? {};
  } catch (error) {
    throw new ConfigError(`COLLECTOR_CONFIG: ${path} is neither valid YAML nor JSON: ${(error as Error).message}`);
  }
}

/** Demo mode's short intervals, under whatever the config file sets. */
function withDemoSettings(file: unknown): unknown {
  const f = (typeof file === 'object' && file !== null ? file : {}) as Record<string, unknown>;
  const merged: Record<string, unknown> = { ...f };
  for (const [key, value] of Object.entries(DEMO_SETTINGS)) {
    merged[key] = typeof value === 'object' ? { ...value, ...(f[key] as object | undefined) } : (f[key] ?? value);
  }
  return merged;
}

/**
 * Reads and validates the configuration. Throws ConfigError naming every bad variable or key,
 * so the service stops before doing anything with a half-understood configuration.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): CollectorConfig {
  // An empty variable counts as unset (as in docker-compose `FOO=`).
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const e = envSchema.safeParse(present);
  if (!e.success) {
    throw new ConfigError(`invalid environment:\n${issuesText(e.error.issues, (p) => String(p[0]))}`);
  }
  const vars = e.data;
  let raw: unknown = vars.COLLECTOR_CONFIG ? readConfigFile(vars.COLLECTOR_CONFIG) : {};
  if (vars.COLLECTOR_DEMO) raw = withDemoSettings(raw);
  const where = vars.COLLECTOR_CONFIG ?? 'config';
  const f = fileSchema.safeParse(raw);
  if (!f.success) {
    throw new ConfigError(`invalid ${where}:\n${issuesText(f.error.issues, (p) => p.map(String).join('.') || '(top level)')}`);
  }
  const file = f.data;
  const exchanges = file.validation.exchanges ?? DEFAULT_VALIDATION_OPTIONS.exchanges;
  const problems: string[] = [];
  if (!isLoopback(vars.COLLECTOR_BIND) && vars.COLLECTOR_TOKENS.length === 0) {
    problems.push(`COLLECTOR_TOKENS: required when COLLECTOR_BIND (${vars.COLLECTOR_BIND}) is not a loopback address`);
  }
  if ((vars.QUESTDB_USER === undefined) !== (vars.QUESTDB_PASSWORD === undefined)) {
    problems.push('QUESTDB_USER, QUESTDB_PASSWORD: set both or neither');
  }
  file.exchanges.probes.forEach((p, i) => {
    if (!exchanges.includes(p.exchange)) {
      problems.push(`${where}: exchanges.probes.${i}.exchange: "${p.exchange}" is not in validation.exchanges (${exchanges.join(', ')})`);
    }
  });
  for (const list of ['exchanges', 'pipeline'] as const) {
    file.inventory.expected[list].forEach((x, i) => {
      if (!exchanges.includes(x.exchange)) {
        problems.push(`${where}: inventory.expected.${list}.${i}.exchange: "${x.exchange}" is not in validation.exchanges (${exchanges.join(', ')})`);
      }
    });
  }
  if (problems.length > 0) throw new ConfigError(`invalid configuration:\n  ${problems.join('\n  ')}`);

  return {
    questdb: { url: vars.QUESTDB_URL, user: vars.QUESTDB_USER, password: vars.QUESTDB_PASSWORD, ...file.questdb },
    http: {
      port: vars.COLLECTOR_PORT,
      bind: vars.COLLECTOR_BIND,
      tokens: vars.COLLECTOR_TOKENS,
      scrapeTokens: isLoopback(vars.COLLECTOR_BIND) ? undefined : [...vars.COLLECTOR_TOKENS, ...vars.COLLECTOR_SCRAPE_TOKENS],
      maxBodyBytes: file.limits.maxBodyBytes,
    },
    spool: { dir: vars.COLLECTOR_SPOOL_DIR ?? file.spool.dir ?? '.data/spool', maxBytes: file.spool.maxBytes, lingerMs: file.spool.lingerMs },
    rollups: file.rollups,
    demo: vars.COLLECTOR_DEMO,
    logLevel: vars.LOG_LEVEL,
    shutdown: file.shutdown,
    service: {
      host: vars.COLLECTOR_HOST ?? file.host ?? hostname(),
      env: vars.COLLECTOR_ENV ?? file.env ?? 'prod',
      validation: {
        maxFutureSkewMs: file.validation.maxFutureSkewMs ?? DEFAULT_VALIDATION_OPTIONS.maxFutureSkewMs,
        exchanges,
        now: () => Date.now(),
      },
      limits: {
        maxRowsPerRequest: file.limits.maxRowsPerRequest,
        series: { maxNewSeriesPerRequest: file.limits.maxNewSeriesPerRequest, maxSeriesPerTable: file.limits.maxSeriesPerTable, forgetSeriesAfterMs: file.limits.forgetSeriesAfterMs },
      },
      daemons: file.daemons,
      exchanges: file.exchanges,
      pipeline: file.pipeline,
      trading: file.trading,
      apiCalls: file.apiCalls,
      inventory: file.inventory,
      heartbeat: file.heartbeat,
    },
  };
}

import { TABLE_NAMES } from '@tradewatch/models';
import { OpsConfigError } from '../errors';
import { parseHealthCommand } from './health-config';

const check = (argv: string[], env: NodeJS.ProcessEnv = {}) => {
  const command = parseHealthCommand(argv, env);
  if (command.kind !== 'check') throw new Error('expected a check command');
  return command;
};

describe('parseHealthCommand', () => {
  it('checks QuestDB, the local collector and every table but the opt-in ones by default; Grafana only when configured', () => {
    expect(check([])).toEqual({
      kind: 'check',
      questdb: { url: 'http://127.0.0.1:9000' },
      collectorUrl: 'http://127.0.0.1:8080',
      grafanaUrl: undefined,
      freshness: TABLE_NAMES.filter((t) => t !== 'exchange_api_calls').map((table) => ({ table, maxAgeMs: 300_000 })),
      timeoutMs: 5_000,
      json: false,
    });
    expect(check([], { GRAFANA_URL: 'http://grafana:3000/' }).grafanaUrl).toBe('http://grafana:3000');
  });

  it('checks an opt-in table (exchange_api_calls) when named', () => {
    expect(check(['--tables', 'exchange_api_calls']).freshness).toEqual([{ table: 'exchange_api_calls', maxAgeMs: 300_000 }]);
  });

  it('takes limits from the environment and flags, per table too', () => {
    const cfg = check(['--tables', 'daemon_metrics,trading_metrics', '--max-age', '10m', '--max-age', 'trading_metrics=1h'], {
      HEALTHCHECK_MAX_AGE: '2m',
      HEALTHCHECK_MAX_AGE_DAEMON_METRICS: '30s',
    });
    expect(cfg.freshness).toEqual([
      { table: 'daemon_metrics', maxAgeMs: 30_000 },
      { table: 'trading_metrics', maxAgeMs: 3_600_000 },
    ]);
  });

  it('skips checks on request', () => {
    const cfg = check(['--skip', 'collector,freshness', '--grafana-url', 'http://g:3000', '--json']);
    expect(cfg).toMatchObject({ collectorUrl: undefined, grafanaUrl: 'http://g:3000', freshness: [], json: true });
  });

  it.each([
    [['--tables', 'daemon,pipeline_metrics'], {}, `--tables: unknown table "daemon"; valid tables: ${TABLE_NAMES.join(', ')}`],
    [[], { HEALTHCHECK_TABLES: 'orders' }, 'HEALTHCHECK_TABLES: unknown table "orders"'],
    [['--max-age', 'soon'], {}, '--max-age: "soon" is not a duration'],
    [['--max-age', 'nope=5m'], {}, '--max-age: unknown table "nope"'],
    [[], { HEALTHCHECK_TIMEOUT: '5' }, 'HEALTHCHECK_TIMEOUT: "5" is not a duration'],
    [['--collector-url', 'collector:8080'], {}, '--collector-url: "collector:8080" is not an http(s) URL'],
    [[], { GRAFANA_URL: 'grafana' }, 'GRAFANA_URL: "grafana" is not an http(s) URL'],
    [['--skip', 'disk'], {}, '--skip: unknown check "disk"; checks are questdb, collector, grafana, freshness'],
    [['--verbose'], {}, "Unknown option '--verbose'"],
  ])('%j %j is a configuration error: %s', (argv, env, message) => {
    expect(() => parseHealthCommand(argv, env)).toThrow(OpsConfigError);
    expect(() => parseHealthCommand(argv, env)).toThrow(message);
  });
});

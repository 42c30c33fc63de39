import { TABLES } from '@tradewatch/models';
import { OpsConfigError } from '../errors';
import { exportQuery, parseExportCommand, parseTimeArg } from './export-args';

const NOW = Date.parse('2026-11-22T12:00:00Z');
const args = (extra: string[]) => ['--table', 'daemon_metrics', '--from', '2026-11-01', '--to', '2026-11-02', '--out', 'x.csv', ...extra];

describe('parseTimeArg', () => {
  it.each([
    ['2026-11-01', '2026-11-01T00:00:00.000Z'],
    ['2026-11-01T06:30:00Z', '2026-11-01T06:30:00.000Z'],
    ['now', '2026-11-22T12:00:00.000Z'],
    ['now-30d', '2026-10-23T12:00:00.000Z'],
    ['now-6h', '2026-11-22T06:00:00.000Z'],
  ])('%s', (text, iso) => expect(new Date((parseTimeArg(text, NOW) ?? NaN) / 1000).toISOString()).toBe(iso));

  it.each(['yesterday', '2026-13-01', '2026-02-30', '2026-11-01T06:30:00', 'now-', 'now+1d', '1730419200'])('rejects %s', (text) => {
    expect(parseTimeArg(text, NOW)).toBeUndefined();
  });
});

describe('parseExportCommand', () => {
  it('reads a full request', () => {
    const cmd = parseExportCommand(args(['--columns', 'timestamp,host,running', '--force']), { QUESTDB_URL: 'http://q:9000' }, NOW);
    expect(cmd).toEqual({
      kind: 'export',
      connection: { url: 'http://q:9000' },
      table: 'daemon_metrics',
      columns: ['timestamp', 'host', 'running'],
      from: Date.parse('2026-11-01T00:00:00Z') * 1000,
      to: Date.parse('2026-11-02T00:00:00Z') * 1000,
      out: 'x.csv',
      force: true,
    });
  });

  it('exports every column in table order by default', () => {
    const cmd = parseExportCommand(args([]), {}, NOW);
    expect(cmd.kind === 'export' && cmd.columns).toEqual(TABLES.daemon_metrics.columnNames);
  });

  it.each([
    [['--from', 'now-1d', '--to', 'now', '--out', 'x.csv'], '--table is required'],
    [['--table', 'orders', '--from', 'now-1d', '--to', 'now', '--out', 'x.csv'], '--table: unknown table "orders"; valid tables: daemon_metrics, exchange_status, exchange_api_calls, pipeline_metrics, trading_metrics'],
    [['--table', 'daemon_metrics', '--from', 'last week', '--to', 'now', '--out', 'x.csv'], '--from: "last week" is not a time; use ISO-8601 UTC'],
    [['--table', 'daemon_metrics', '--from', 'now-1d', '--to', '2026-02-30', '--out', 'x.csv'], '--to: "2026-02-30" is not a time'],
    [['--table', 'daemon_metrics', '--from', '2026-11-05', '--to', '2026-11-01', '--out', 'x.csv'], '--from (2026-11-05T00:00:00.000000Z) must be before --to (2026-11-01T00:00:00.000000Z)'],
    [['--table', 'daemon_metrics', '--from', 'now', '--to', 'now', '--out', 'x.csv'], 'must be before --to'],
    [['--table', 'daemon_metrics', '--from', 'now-1d', '--to', 'now'], '--out is required'],
    [args(['--columns', 'timestamp,pnl']), '--columns: unknown column(s) pnl; daemon_metrics has timestamp, host'],
    [args(['--limit', '5']), "Unknown option '--limit'"],
  ])('%j fails with a clear message', (argv, message) => {
    expect(() => parseExportCommand(argv, {}, NOW)).toThrow(OpsConfigError);
    expect(() => parseExportCommand(argv, {}, NOW)).toThrow(message);
  });
});

describe('exportQuery', () => {
  it('selects the half-open range [from, to)', () => {
    const from = Date.parse('2026-11-01T00:00:00Z') * 1000;
    expect(exportQuery({ table: 'exchange_status', columns: ['timestamp', 'exchange'], from, to: from + 86_400_000_000 })).toBe(
      "SELECT timestamp, exchange FROM exchange_status WHERE timestamp >= '2026-11-01T00:00:00.000000Z' AND timestamp < '2026-11-02T00:00:00.000000Z'",
    );
  });
});

import { parseIlp } from './ilp-parser';
import { ilpToRows } from './ilp-rows';

const tables = new Set(['daemon_metrics', 'exchange_status'] as const);
const rows = (text: string) => ilpToRows(parseIlp(text).lines, tables, () => 1_700_000_000_000_000);

describe('ilpToRows', () => {
  it('turns lines into the JSON rows the API takes, per table, with their line numbers', () => {
    const { batches, issues } = rows(
      'daemon_metrics,host=h,env=prod running=t,fetch_count=3i,cpu_percent=2i,last_error="x",last_error_at=1700000000000001t 1700000000000000000\n' +
        'exchange_status,exchange=okx,host=h,env=dev connected=f,latency_ms=1.5\n' +
        'daemon_metrics,host=h2,env=prod running=false 1700000000000000000\n',
    );
    expect(issues).toEqual([]);
    expect(batches).toEqual([
      {
        table: 'daemon_metrics',
        lines: [1, 3],
        rows: [
          { timestamp: '2023-11-14T22:13:20.000000Z', host: 'h', env: 'prod', running: true, fetch_count: 3, cpu_percent: 2, last_error: 'x', last_error_at: '2023-11-14T22:13:20.000001Z' },
          { timestamp: '2023-11-14T22:13:20.000000Z', host: 'h2', env: 'prod', running: false },
        ],
      },
      // No timestamp: the receiver's clock, as QuestDB does.
      { table: 'exchange_status', lines: [2], rows: [{ timestamp: '2023-11-14T22:13:20.000000Z', exchange: 'okx', host: 'h', env: 'dev', connected: false, latency_ms: 1.5 }] },
    ]);
  });

  it.each([
    ['other,host=h x=1i', undefined, /unknown table; line protocol writes daemon_metrics, exchange_status/],
    ['daemon_metrics,host=h fetch_count=1.5', 'fetch_count', /cast error from a float to column type LONG/],
    ['daemon_metrics,host=h running=1i', 'running', /cast error from an integer \(i\) to column type BOOLEAN/],
    ['daemon_metrics,host=h last_error=1i', 'last_error', /column type VARCHAR: expected a string/],
    ['daemon_metrics,host=h last_error_at=5i', 'last_error_at', /column type TIMESTAMP/],
    ['daemon_metrics,host=h,running=t x=1i', 'running', /sent as a tag, but the column type is BOOLEAN/],
    ['daemon_metrics,host=h host="again"', 'host', /given more than once/],
    ['daemon_metrics,host=h timestamp=5t', 'timestamp', /designated timestamp is the line's timestamp/],
    ['daemon_metrics,host=h fetch_count=9007199254740993i', 'fetch_count', /outside the exact range/],
  ])('%s → an issue naming the column', (text, column, message) => {
    const { batches, issues } = rows(text);
    expect(batches).toEqual([]);
    expect(issues).toEqual([expect.objectContaining({ line: 1, message: expect.stringMatching(message), ...(column === undefined ? {} : { column }) })]);
  });

  it('passes unknown columns through, so validation names them like a JSON row\'s unknown field', () => {
    expect(rows('daemon_metrics,host=h,zone=a x=1i,y="s"').batches[0].rows[0]).toMatchObject({ zone: 'a', x: 1, y: 's' });
  });

  it('a member name of Object.prototype is just a column name', () => {
    expect(rows('daemon_metrics,host=h constructor=1i,__proto__="p"').batches[0].rows[0]).toMatchObject({ constructor: 1 });
  });
});

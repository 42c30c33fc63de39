import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import pino from 'pino';
import { Sender } from '@questdb/nodejs-client';
import { formatIsoMicros } from '@tradewatch/models';
import { questDbUrl, uniqueName, waitForRows } from '@tradewatch/questdb-client/testing';
import { loadConfig } from './config';
import { startCollector, type RunningCollector } from './server';

const TOKEN = 'ilp-token-0123456789abcdef';

/** Line protocol at /write, sent by the official QuestDB Node client to the real service (real HTTP, real QuestDB). */
describe('POST /write: InfluxDB line protocol from @questdb/nodejs-client', () => {
  let running: RunningCollector;
  let addr: string;
  const marker = uniqueName('ilp');
  // Whole microseconds a minute ago, with a sub-millisecond part to prove nothing is rounded.
  const baseMicros = (Date.now() - 60_000) * 1000 + 123;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'collector-ilp-'));
    const config = loadConfig({ QUESTDB_URL: questDbUrl(), COLLECTOR_PORT: '0', COLLECTOR_TOKENS: TOKEN, COLLECTOR_SPOOL_DIR: join(dir, 'spool') });
    running = await startCollector(config, pino({ level: 'silent' }));
    addr = new URL(running.url).host;
  });
  afterAll(() => running.stop());

  const sender = (extra = '') => Sender.fromConfig(`http::addr=${addr};token=${TOKEN};auto_flush=off;${extra}`);
  const query = async (sql: string) => (await running.client.query<Record<string, unknown>>(sql)).rows;
  const waitFor = (sql: string, accept: (rows: Record<string, unknown>[]) => boolean) => waitForRows(running.client, sql, accept);

  it('stores every row exactly: symbols, integers, floats, booleans, strings with escapes, timestamp columns', async () => {
    const host = `${marker}-ok`;
    const s = await sender();
    await s.table('daemon_metrics').symbol('host', host).symbol('env', 'prod')
      .intColumn('fetch_count', 10).intColumn('error_count', 1).floatColumn('uptime_seconds', 12.25).booleanColumn('running', true)
      .intColumn('memory_rss_bytes', 1048576).floatColumn('cpu_percent', 3.5).stringColumn('last_error', 'boom "quoted", comma = x\\y\nnext')
      .timestampColumn('last_error_at', baseMicros - 1000, 'us').at(baseMicros, 'us');
    await s.table('exchange_status').symbol('exchange', 'okx').symbol('host', host).symbol('env', 'staging')
      .booleanColumn('connected', false).floatColumn('latency_ms', 12.5).intColumn('reconnect_count', 3).at(BigInt(baseMicros) * 1000n + 999n, 'ns');
    await s.table('pipeline_metrics').symbol('exchange', 'binance').symbol('symbol', 'BTC/USDT:USDT').symbol('data_type', 'funding').symbol('host', host).symbol('env', 'dev')
      .intColumn('records_count', 7).floatColumn('latency_ms', 99.5).booleanColumn('gap_detected', false).at(baseMicros, 'us');
    await s.flush();
    await s.close();

    const [daemon] = await waitFor(`SELECT * FROM daemon_metrics WHERE host = '${host}'`, (r) => r.length === 1);
    expect(daemon).toEqual({
      timestamp: formatIsoMicros(baseMicros), host, env: 'prod', fetch_count: 10, error_count: 1, liquidation_count: null, uptime_seconds: 12.25, running: true,
      memory_rss_bytes: 1048576, cpu_percent: 3.5, parquet_bytes: null, last_error: 'boom "quoted", comma = x\\y\nnext', last_error_at: formatIsoMicros(baseMicros - 1000),
    });
    const [exchange] = await waitFor(`SELECT * FROM exchange_status WHERE host = '${host}'`, (r) => r.length === 1);
    expect(exchange).toMatchObject({ timestamp: formatIsoMicros(baseMicros), exchange: 'okx', env: 'staging', connected: false, latency_ms: 12.5, reconnect_count: 3 });
    const [pipeline] = await waitFor(`SELECT * FROM pipeline_metrics WHERE host = '${host}'`, (r) => r.length === 1);
    expect(pipeline).toMatchObject({ exchange: 'binance', symbol: 'BTC/USDT:USDT', data_type: 'funding', records_count: 7, latency_ms: 99.5, gap_detected: false });
  });

  describe('a bad line refuses the whole request, naming the line and column; nothing of it is stored', () => {
    const bad = `${marker}-bad`;
    type Build = (s: Sender, host: string) => Promise<void>;
    const good: Build = (s, host) => s.table('daemon_metrics').symbol('host', host).symbol('env', 'prod').booleanColumn('running', true).at(baseMicros, 'us');
    const cases: [name: string, build: Build, expected: RegExp][] = [
      ['unknown table', (s, host) => s.table('no_such_table').symbol('host', host).intColumn('x', 1).at(baseMicros, 'us'), /error in line 2: table: no_such_table; unknown table/],
      ['unknown column', (s, host) => s.table('daemon_metrics').symbol('host', host).symbol('env', 'prod').booleanColumn('running', true).intColumn('fetch_cnt', 1).at(baseMicros, 'us'), /error in line 2: table: daemon_metrics, column: fetch_cnt; unknown column \(daemon_metrics has timestamp, host, env, fetch_count/],
      ['wrong type', (s, host) => s.table('daemon_metrics').symbol('host', host).symbol('env', 'prod').booleanColumn('running', true).floatColumn('fetch_count', 1.5).at(baseMicros, 'us'), /error in line 2: table: daemon_metrics, column: fetch_count; cast error from a float to column type LONG/],
      ['out of range', (s, host) => s.table('daemon_metrics').symbol('host', host).symbol('env', 'prod').booleanColumn('running', true).floatColumn('cpu_percent', 7000).at(baseMicros, 'us'), /error in line 2: table: daemon_metrics, column: cpu_percent; must be <= 6400/],
      ['negative counter', (s, host) => s.table('daemon_metrics').symbol('host', host).symbol('env', 'prod').booleanColumn('running', true).intColumn('error_count', -1).at(baseMicros, 'us'), /column: error_count; must be >= 0/],
      ['unknown exchange', (s, host) => s.table('exchange_status').symbol('exchange', 'kraken').symbol('host', host).symbol('env', 'prod').booleanColumn('connected', true).at(baseMicros, 'us'), /column: exchange; must be one of the configured exchanges/],
      ['missing column', (s, host) => s.table('daemon_metrics').symbol('host', host).symbol('env', 'prod').intColumn('fetch_count', 1).at(baseMicros, 'us'), /column: running; is required/],
      ['timestamp in the future', (s, host) => s.table('daemon_metrics').symbol('host', host).symbol('env', 'prod').booleanColumn('running', true).at((Date.now() + 3_600_000) * 1000, 'us'), /column: timestamp; is in the future/],
      ['boolean sent as a tag', (s, host) => s.table('daemon_metrics').symbol('host', host).symbol('env', 'prod').symbol('running', 'true').at(baseMicros, 'us'), /column: running; sent as a tag, but the column type is BOOLEAN/],
    ];

    it.each(cases)('%s', async (name, build, expected) => {
      const host = `${bad}-${name.replace(/\W+/g, '-')}`;
      const s = await sender();
      await good(s, host); // line 1: fine on its own
      await build(s, host); // line 2: the bad one
      await good(s, `${host}-3`); // line 3: fine
      await expect(s.flush()).rejects.toThrow(expected);
      await s.close();
    });

    it('stored none of the refused requests\' lines', async () => {
      // A sentinel sent after the refused requests: once visible, anything sent before would be too.
      const s = await sender();
      await good(s, `${bad}-sentinel`);
      await s.flush();
      await s.close();
      await waitFor(`SELECT count() n FROM daemon_metrics WHERE host = '${bad}-sentinel'`, (r) => r[0]?.['n'] === 1);
      expect(await query(`SELECT count() n FROM daemon_metrics WHERE host LIKE '${bad}%' AND host != '${bad}-sentinel'`)).toEqual([{ n: 0 }]);
      expect(await query(`SELECT count() n FROM exchange_status WHERE host LIKE '${bad}%'`)).toEqual([{ n: 0 }]);
    });
  });

  describe('over plain HTTP', () => {
    const write = (body: string | Buffer, headers: Record<string, string> = {}, path = '/write') =>
      fetch(`${running.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, ...headers }, body });
    const line = (host: string, extra = '') => `daemon_metrics,host=${host},env=prod running=t${extra} ${baseMicros}000\n`;

    it('answers errors in QuestDB\'s JSON shape: {code, message, line, errorId}', async () => {
      const res = await write(`${line(`${marker}-shape`)}daemon_metrics,host=${marker}-shape,env=prod running=t,fetch_count="ten" ${baseMicros}000\n`);
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await res.json()).toEqual({
        code: 'invalid',
        message: 'failed to parse line protocol:errors encountered on line(s):\nerror in line 2: table: daemon_metrics, column: fetch_count; cast error from a string to column type LONG: expected an integer such as 12i',
        line: 2,
        errorId: expect.stringMatching(/^[0-9a-f]{12}-\d+$/),
      });
    });

    it('lists every bad line, a syntax error included', async () => {
      const res = await write(`${line(`${marker}-many`)}daemon_metrics,host=x running=maybe\n\ndaemon_metrics,host=${marker}-many,env=qa running=t\n`);
      const body = (await res.json()) as { message: string; line: number };
      expect(body.line).toBe(2);
      expect(body.message).toMatch(/error in line 2: column: running; field value is invalid: maybe\nerror in line 4: table: daemon_metrics, column: env; /);
    });

    it.each([
      ['/write', 'u', `${baseMicros}`],
      ['/api/v2/write', 'ms', `${Math.floor(baseMicros / 1000)}`],
      ['/write', 's', `${Math.floor(baseMicros / 1_000_000)}`],
    ])('%s?precision=%s', async (path, precision, ts) => {
      const host = `${marker}-p-${precision}`;
      const res = await write(`daemon_metrics,host=${host},env=prod running=t ${ts}\n`, {}, `${path}?precision=${precision}`);
      expect(res.status).toBe(204);
      const [row] = await waitFor(`SELECT timestamp FROM daemon_metrics WHERE host = '${host}'`, (r) => r.length === 1);
      const unit = { u: 1, ms: 1000, s: 1_000_000 }[precision] ?? 1;
      expect(row['timestamp']).toBe(formatIsoMicros(Number(ts) * unit));
    });

    it('reads a gzip body; refuses a corrupt one with 400 and an unsupported encoding with 415', async () => {
      const host = `${marker}-gzip`;
      expect((await write(gzipSync(line(host)), { 'content-encoding': 'gzip' })).status).toBe(204);
      await waitFor(`SELECT count() n FROM daemon_metrics WHERE host = '${host}'`, (r) => r[0]?.['n'] === 1);
      const corrupt = await write(Buffer.concat([gzipSync(line(host)).subarray(0, 12), Buffer.from('garbage')]), { 'content-encoding': 'gzip' });
      expect(corrupt.status).toBe(400);
      expect(await corrupt.json()).toMatchObject({ code: 'bad_request', message: expect.stringMatching(/gzip body is corrupt/) });
      const deflate = await write(line(host), { 'content-encoding': 'deflate' });
      expect(deflate.status).toBe(415);
    });

    it('refuses JSON on /write, an unknown precision, a missing token, and GET', async () => {
      expect((await write(line(`${marker}-x`), { 'content-type': 'application/json' })).status).toBe(415);
      const precision = await write(line(`${marker}-x`), {}, '/write?precision=h');
      expect(precision.status).toBe(400);
      expect(await precision.json()).toMatchObject({ message: expect.stringMatching(/unsupported precision "h"/) });
      const noToken = await fetch(`${running.url}/write`, { method: 'POST', body: line(`${marker}-x`) });
      expect(noToken.status).toBe(401);
      expect(await noToken.json()).toMatchObject({ code: 'unauthorized', line: 0 });
      const get = await fetch(`${running.url}/write`);
      expect(get.status).toBe(405);
      expect(get.headers.get('allow')).toBe('POST');
    });

    it('stores the same rows as the JSON route for the same data, lines read straight from the text or by the reference parser alike', async () => {
      const [viaJson, viaIlp] = [`${marker}-eq-json`, `${marker}-eq-ilp`];
      const rows = Array.from({ length: 60 }, (_, i) => ({
        timestampMicros: baseMicros - i * 1_000_001,
        exchange: ['binance', 'okx', 'bybit'][i % 3],
        // Every fourth symbol has a space: escaped in line protocol, so the reference parser reads that line.
        symbol: i % 4 === 0 ? `S ${i}/USDT` : `S${i}/USDT:USDT`,
        data_type: 'trades',
        records_count: i * 7919 + (i % 5 === 0 ? 2 ** 40 : 0),
        latency_ms: (i * 104729) / 1013,
        gap_detected: i % 2 === 0,
        gap_duration_seconds: i % 2 === 1 || i % 3 === 0 ? null : i * 0.1,
      }));
      const json = rows.map(({ timestampMicros, gap_duration_seconds, ...r }) => ({
        ...r,
        timestamp: formatIsoMicros(timestampMicros),
        host: viaJson,
        env: 'prod',
        ...(gap_duration_seconds === null ? {} : { gap_duration_seconds }),
      }));
      const ilp = rows
        .map(
          (r, i) =>
            `pipeline_metrics,exchange=${r.exchange},symbol=${r.symbol.replace(' ', '\\ ')},data_type=trades,host=${viaIlp},env=prod ` +
            `records_count=${r.records_count}i,latency_ms=${r.latency_ms},gap_detected=${i % 4 === 1 ? String(r.gap_detected).toUpperCase() : r.gap_detected}` +
            `${r.gap_duration_seconds === null ? '' : `,gap_duration_seconds=${r.gap_duration_seconds}`} ${r.timestampMicros}\n`,
        )
        .join('');
      const posted = await fetch(`${running.url}/v1/metrics/pipeline`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify(json),
      });
      expect(posted.status).toBe(202);
      expect((await write(ilp, {}, '/write?precision=u')).status).toBe(204);
      const stored = async (host: string) =>
        (await waitFor(`SELECT * FROM pipeline_metrics WHERE host = '${host}' ORDER BY timestamp`, (r) => r.length === rows.length)).map((r) => ({ ...r, host: 'either' }));
      const fromJson = await stored(viaJson);
      expect(fromJson).toHaveLength(rows.length);
      expect(await stored(viaIlp)).toEqual(fromJson);
    });

    it('an empty body stores nothing and answers 204, as QuestDB does', async () => {
      expect((await write('')).status).toBe(204);
      expect((await write('\n# only a comment\n')).status).toBe(204);
    });

    it('GET /settings offers line protocol version 1 to the clients\' auto-detection', async () => {
      const res = await fetch(`${running.url}/settings`);
      expect(await res.json()).toMatchObject({ config: { 'line.proto.support.versions': [1] } });
    });
  });
});

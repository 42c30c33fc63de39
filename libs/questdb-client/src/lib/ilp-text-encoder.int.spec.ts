import { formatIsoMicros, type Row } from '@tradewatch/models';
import { questDbUrl, uniqueName, waitForCount } from '../testing';
import { MetricsClient } from './metrics-client';

describe('batchEncoder output read back from a real QuestDB', () => {
  let client: MetricsClient;
  beforeAll(async () => {
    client = await MetricsClient.connect({ url: questDbUrl(), flushIntervalMs: 60_000 });
    await client.bootstrap();
  });
  afterAll(() => client.close());

  it('keeps escaped symbols and strings, extreme doubles and LONGs exactly', async () => {
    const host = uniqueName('esc a,b=c\\d');
    const at = Math.floor(Date.now() / 1000) * 1_000_000 - 60_000_000;
    const rows: Row<'daemon_metrics'>[] = [
      { timestamp: at + 1, host, env: 'prod', running: true, uptime_seconds: 1e-7, cpu_percent: 1e21, fetch_count: 9_007_199_254_740_991, last_error: 'a "quoted" \\ back\nslash\r, = ünï' },
      { timestamp: at + 2, host, env: 'prod', running: false, uptime_seconds: 1.7976931348623157e308, cpu_percent: 5e-324 },
    ];
    await client.write('daemon_metrics', rows);
    await client.flush();
    const where = `host = '${host.replace(/'/g, "''")}'`;
    expect(await waitForCount(client, `SELECT count() FROM daemon_metrics WHERE ${where}`, 2)).toBe(2);
    const { rows: back } = await client.query(`SELECT timestamp, host, uptime_seconds, cpu_percent, fetch_count, last_error FROM daemon_metrics WHERE ${where} ORDER BY timestamp`);
    expect(back).toEqual([
      { timestamp: formatIsoMicros(at + 1), host, uptime_seconds: 1e-7, cpu_percent: 1e21, fetch_count: 9_007_199_254_740_991, last_error: 'a "quoted" \\ back\nslash\r, = ünï' },
      { timestamp: formatIsoMicros(at + 2), host, uptime_seconds: 1.7976931348623157e308, cpu_percent: 5e-324, fetch_count: null, last_error: null },
    ]);
  });
});

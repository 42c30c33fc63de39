import { uniqueName } from '@tradewatch/questdb-client/testing';
import { recorderFixture, waitForRows, type RecorderFixture } from '../../testing/recorder-fixture';
import { ExchangeSimulator } from './exchange-simulator';
import { ExchangeCollector } from './exchange-collector';
import { exchangeOptionsSchema } from './probe-config';

type StatusRow = { exchange: string; connected: boolean; reconnect_count: number; latency_ms: number | null; disconnected_at: string | null; last_message_at: string | null };

describe('ExchangeCollector (real QuestDB, local WebSocket servers)', () => {
  let fx: RecorderFixture;
  let okx: ExchangeSimulator;
  let binance: ExchangeSimulator;
  let collector: ExchangeCollector;
  const host = uniqueName('probe');
  const latest = (exchange: string) =>
    `SELECT * FROM exchange_status WHERE host = '${host}' AND exchange = '${exchange}' ORDER BY timestamp DESC LIMIT 1`;

  beforeAll(async () => {
    fx = await recorderFixture();
    // okx: application-level "ping"/"pong" texts; binance: WebSocket ping frames.
    okx = await ExchangeSimulator.start('okx', { tickMs: 200 });
    binance = await ExchangeSimulator.start('binance', { tickMs: 200 });
    const options = exchangeOptionsSchema.parse({
      rowIntervalMs: 1_000,
      pingIntervalMs: 200,
      pingTimeoutMs: 1_000,
      backoff: { baseMs: 100, maxMs: 400 },
      probes: [
        { exchange: 'okx', url: okx.url },
        { exchange: 'binance', url: binance.url },
      ],
    });
    collector = new ExchangeCollector(options, { output: fx.recorder, host, env: 'dev', onError: () => undefined });
    await collector.start();
  });

  afterAll(async () => {
    await collector.stop();
    await Promise.all([okx.close(), binance.close()]);
    await fx.close();
  });

  it('writes connected rows with a measured ping latency for both ping styles', async () => {
    for (const exchange of ['okx', 'binance']) {
      const [row] = await waitForRows<StatusRow>(fx.client, latest(exchange), (r) => r[0]?.connected === true && r[0].latency_ms !== null);
      expect(row).toMatchObject({ connected: true, reconnect_count: 0, disconnected_at: null });
      expect(row.latency_ms).toBeGreaterThanOrEqual(0);
      expect(row.latency_ms).toBeLessThan(1_000);
      expect(row.last_message_at).not.toBeNull();
    }
  });

  it('a killed server gives connected=false within 5 s; restarted gives connected=true with reconnect_count one higher', async () => {
    const [before] = await waitForRows<StatusRow>(fx.client, latest('okx'), (r) => r[0]?.connected === true);
    await okx.down();
    const [down] = await waitForRows<StatusRow>(fx.client, latest('okx'), (r) => r[0]?.connected === false, 5_000);
    expect(down.disconnected_at).not.toBeNull();
    expect(down.reconnect_count).toBe(before.reconnect_count);

    await okx.up();
    const [up] = await waitForRows<StatusRow>(fx.client, latest('okx'), (r) => r[0]?.connected === true, 5_000);
    expect(up.reconnect_count).toBe(before.reconnect_count + 1);
    expect(up.disconnected_at).toBeNull();
    // The other exchange was not affected.
    expect(collector.states()['binance']).toMatchObject({ connected: true, reconnectCount: 0 });
  });
});

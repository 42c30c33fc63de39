/**
 * A toy Node trading strategy connected to Tradewatch with @tradewatch/reporter:
 *   - what it does (orders placed and filled, mark prices) goes to the collector as trading events;
 *   - its own health is served at GET /status for the collector's DaemonCollector to poll.
 *
 * Run it against `npm run demo` (from the repository root):
 *   npx tsx --tsconfig tsconfig.base.json examples/node-strategy/main.ts
 * Settings: TRADEWATCH_URL (default http://127.0.0.1:8080), TRADEWATCH_TOKEN (when the collector
 * has COLLECTOR_TOKENS), STRATEGY_NAME (default node-example), STATUS_PORT (default 8001).
 * Ctrl-C (or SIGTERM) delivers what is buffered, then exits.
 */
import { Reporter, serveStatus, type ReporterError } from '@tradewatch/reporter';

const url = process.env['TRADEWATCH_URL'] ?? 'http://127.0.0.1:8080';
const strategy = process.env['STRATEGY_NAME'] ?? 'node-example';
const statusPort = Number(process.env['STATUS_PORT'] ?? '8001');

const reporter = new Reporter({
  url,
  token: process.env['TRADEWATCH_TOKEN'],
  // A row the collector refuses is reported here (and counted); the others keep flowing.
  onError: (error: ReporterError) => console.error(`tradewatch: ${error.code}: ${error.message}`),
});

let price = 60_000;
let orders = 0;
const startedAt = Date.now();

/** One step of the "strategy": the market moves, sometimes we trade. */
async function tick(): Promise<void> {
  price *= 1 + (Math.random() - 0.5) * 0.002;
  const now = new Date();
  // Awaiting gives back-pressure: if the collector is away and the buffer is full, we wait here.
  await reporter.tradingEvent({ type: 'mark', timestamp: now, symbol: 'BTC/USDT:USDT', venue: 'binance', price });
  if (Math.random() < 0.3) {
    const side = Math.random() < 0.5 ? 'buy' : 'sell';
    const order = { timestamp: now, strategy, symbol: 'BTC/USDT:USDT', venue: 'binance', env: 'dev', side, quantity: 0.01 } as const;
    await reporter.tradingEvent({ type: 'order_placed', ...order, price });
    await reporter.tradingEvent({ type: 'order_filled', ...order, price, fee: price * 0.01 * 0.0004 });
    orders++;
  }
}

async function main(): Promise<void> {
  // The collector polls this; add it to collector.yaml:
  //   daemons: { targets: [{ url: http://127.0.0.1:8001/status, host: node-example }] }
  const status = await serveStatus(
    () => ({
      running: true,
      uptime_seconds: (Date.now() - startedAt) / 1000,
      fetch_count: orders,
      memory_rss_bytes: process.memoryUsage.rss(),
    }),
    { port: statusPort },
  );
  console.log(`${strategy}: reporting to ${url}; status at ${status.url}`);
  const timer = setInterval(() => void tick().catch((e: Error) => console.error(e.message)), 500);

  const stop = async () => {
    clearInterval(timer);
    await reporter.close(); // delivers what is buffered (or rejects after closeTimeoutMs)
    await status.close();
    const { sent, retried, refused } = reporter.counters;
    console.log(`${strategy}: stopped; sent ${sent} events (${retried} retried, ${refused} refused)`);
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

main().catch((error: Error) => {
  console.error(`${strategy}: ${error.message}`);
  process.exit(1);
});

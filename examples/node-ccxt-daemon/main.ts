/**
 * A Node ccxt daemon connected to Tradewatch: one ccxt exchange, instrumented with instrumentCcxt,
 * fetching open interest, funding and trades in a loop. Every call reports its latency and outcome
 * (exchange_api_calls); the fetches report records and data timestamps (pipeline_metrics).
 *
 * Run it against `npm run demo` (from the repository root):
 *   npx tsx --tsconfig tsconfig.base.json examples/node-ccxt-daemon/main.ts
 * Settings: TRADEWATCH_URL (default http://127.0.0.1:8080), TRADEWATCH_TOKEN, EXCHANGE (a ccxt id
 * the collector allows, default okx), SYMBOLS (comma-separated, default BTC/USDT:USDT),
 * INTERVAL_MS (default 10000), DAEMON_HOST (default node-ccxt-daemon), EXCHANGE_REST_URL (point the
 * exchange's REST API elsewhere, e.g. at a test server). Ctrl-C (or SIGTERM) delivers the rest and exits.
 */
import ccxt, { type Exchange } from 'ccxt';
import { Reporter, instrumentCcxt, type ReporterError } from '@tradewatch/reporter';

const url = process.env['TRADEWATCH_URL'] ?? 'http://127.0.0.1:8080';
const exchangeId = process.env['EXCHANGE'] ?? 'okx';
const symbols = (process.env['SYMBOLS'] ?? 'BTC/USDT:USDT').split(',').map((s) => s.trim());
const intervalMs = Number(process.env['INTERVAL_MS'] ?? '10000');
const host = process.env['DAEMON_HOST'] ?? 'node-ccxt-daemon';

const reporter = new Reporter({
  url,
  token: process.env['TRADEWATCH_TOKEN'],
  onError: (error: ReporterError) => console.error(`tradewatch: ${error.code}: ${error.message}`),
});

const ExchangeClass = (ccxt as unknown as Record<string, new (config: object) => Exchange>)[exchangeId];
if (typeof ExchangeClass !== 'function') throw new Error(`EXCHANGE: ccxt has no exchange "${exchangeId}"`);
// Swap markets only: the data types below are about perpetuals.
const exchange = new ExchangeClass({ options: { defaultType: 'swap', fetchMarkets: { types: ['swap'] } } });
const restUrl = process.env['EXCHANGE_REST_URL'];
if (restUrl) {
  const api = exchange.urls['api'] as Record<string, string>;
  for (const key of Object.keys(api)) api[key] = restUrl;
}
// From here on every unified call reports itself; the calls themselves behave as before.
const instrumentation = instrumentCcxt(exchange, reporter, { host, env: 'dev' });

async function round(): Promise<void> {
  for (const symbol of symbols) {
    // Failures are reported with their ccxt error class (RateLimitExceeded, RequestTimeout, …);
    // the daemon logs them and carries on.
    for (const call of [() => exchange.fetchOpenInterest(symbol), () => exchange.fetchFundingRate(symbol), () => exchange.fetchTrades(symbol)]) {
      await call().catch((e: Error) => console.error(`${exchangeId} ${symbol}: ${e.constructor.name}: ${e.message.slice(0, 200)}`));
    }
  }
}

async function main(): Promise<void> {
  console.log(`${host}: ${exchangeId} ${symbols.join(', ')} every ${intervalMs} ms, reporting to ${url}`);
  let stopping = false;
  let running: Promise<void> = round();
  const timer = setInterval(() => {
    if (!stopping) running = running.then(round);
  }, intervalMs);
  const stop = async () => {
    stopping = true;
    clearInterval(timer);
    await running;
    await reporter.close();
    const { calls, fetchEvents, dropped } = instrumentation.stats;
    console.log(`${host}: stopped; ${calls} calls, ${fetchEvents} fetch events reported (${dropped} dropped); sent ${reporter.counters.sent}`);
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

void main();

import { ExchangeSimulator, type ProbeConfig } from '@tradewatch/collectors';
import { DEFAULT_EXCHANGES, type DataType } from '@tradewatch/models';
import { Reporter } from '@tradewatch/reporter';
import { DaemonSimulator } from './daemon-simulator';
import { MarketSimulator } from './market-simulator';

/** Short cadences and intervals so that every table fills within seconds in demo mode. */
export const DEMO_SETTINGS = {
  env: 'dev',
  daemons: { intervalMs: 2_000 },
  exchanges: { rowIntervalMs: 2_000, pingIntervalMs: 1_000, pingTimeoutMs: 2_000, backoff: { baseMs: 500, maxMs: 5_000 } },
  pipeline: { intervalMs: 2_000, cadencesMs: { oi: 4_000, funding: 10_000, liquidation: 2_000 } },
  trading: { intervalMs: 1_000 },
  apiCalls: { intervalMs: 2_000 },
} as const;

export interface DemoSources {
  daemonTargets: { url: string; host: string }[];
  probes: ProbeConfig[];
  /**
   * Starts the event feeds: a Reporter posting to the collector at `url` (with `token` when the
   * collector requires one). Call once the collector listens.
   */
  startFeeds(url: string, token: string | undefined, onError: (error: Error, context: string) => void): void;
  /** Stops the feeds, delivering what the reporter holds; call before the collector stops accepting. */
  stop(): Promise<void>;
}

/**
 * The demo simulator: two pipeline daemons' status endpoints (served with `serveStatus`), local
 * WebSocket servers for the four exchanges (each goes down for a few seconds now and then), and
 * fetch events and a trading strategy sent through a `Reporter` — the paths a user's code takes.
 */
export async function startDemoSources(options: { host: string; cadencesMs: Partial<Record<DataType, number>>; outages?: boolean }): Promise<DemoSources> {
  const daemons = await DaemonSimulator.start(['pipeline-1', 'pipeline-2']);
  const exchanges = await Promise.all(DEFAULT_EXCHANGES.map((e) => ExchangeSimulator.start(e)));
  const timers: NodeJS.Timeout[] = [];
  if (options.outages !== false) {
    for (const sim of exchanges) {
      // Each exchange is up for 40–100 s, then down for 4–10 s.
      const cycle = () => {
        timers.push(setTimeout(async () => {
          await sim.down();
          timers.push(setTimeout(() => void sim.up().then(cycle), 4_000 + Math.random() * 6_000));
        }, 40_000 + Math.random() * 60_000));
      };
      cycle();
    }
  }
  let market: MarketSimulator | undefined;
  let reporter: Reporter | undefined;
  let report: (error: Error) => void = () => undefined;
  return {
    daemonTargets: daemons.targets(),
    probes: exchanges.map((sim) => ({ exchange: sim.exchange, url: sim.url })),
    startFeeds(url, token, onError) {
      report = (error: Error) => onError(error, 'demo reporter');
      // exitHandlers off: the collector process stops the feeds itself, before it drains.
      reporter = new Reporter({ url, token, flushIntervalMs: 500, closeTimeoutMs: 5_000, exitHandlers: false, onError: report });
      market = new MarketSimulator(reporter, { host: options.host, cadencesMs: options.cadencesMs }, report);
      market.start();
    },
    async stop() {
      market?.stop();
      for (const t of timers) clearTimeout(t);
      await Promise.all([reporter?.close().catch(report), daemons.close(), ...exchanges.map((s) => s.close())]);
    },
  };
}

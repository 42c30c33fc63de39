import { DEFAULT_EXCHANGES, type DataType } from '@tradewatch/models';
import type { ErrorReporter } from '../collector';
import type { ProbeConfig } from '../exchange/probe-config';
import type { IngestService } from '../http/ingest-service';
import { DaemonSimulator } from './daemon-simulator';
import { ExchangeSimulator } from './exchange-simulator';
import { MarketSimulator } from './market-simulator';

/** Short cadences and intervals so that every table fills within seconds in demo mode. */
export const DEMO_SETTINGS = {
  env: 'dev',
  daemons: { intervalMs: 2_000 },
  exchanges: { rowIntervalMs: 2_000, pingIntervalMs: 1_000, pingTimeoutMs: 2_000, backoff: { baseMs: 500, maxMs: 5_000 } },
  pipeline: { intervalMs: 2_000, cadencesMs: { oi: 4_000, funding: 10_000, liquidation: 2_000 } },
  trading: { intervalMs: 1_000 },
} as const;

export interface DemoSources {
  daemonTargets: { url: string; host: string }[];
  probes: ProbeConfig[];
  /** Starts the event feeds; call once the collectors run. */
  startFeeds(ingest: IngestService, onError: ErrorReporter): void;
  stop(): Promise<void>;
}

/**
 * The demo simulator: two pipeline daemons' status endpoints, local WebSocket servers for the four
 * exchanges (each goes down for a few seconds now and then), fetch events and a trading strategy.
 */
export async function startDemoSources(options: { host: string; cadencesMs: Record<DataType, number>; outages?: boolean }): Promise<DemoSources> {
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
  return {
    daemonTargets: daemons.targets(),
    probes: exchanges.map((sim) => ({ exchange: sim.exchange, url: sim.url })),
    startFeeds(ingest, onError) {
      market = new MarketSimulator(ingest, { host: options.host, cadencesMs: options.cadencesMs }, onError);
      market.start();
    },
    async stop() {
      market?.stop();
      for (const t of timers) clearTimeout(t);
      await Promise.all([daemons.close(), ...exchanges.map((s) => s.close())]);
    },
  };
}

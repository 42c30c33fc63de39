import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How the next answers of the fake exchange behave. */
export type FakeOkxMode = 'ok' | 'rate-limited' | 'stalled';

/**
 * A local HTTP server answering like OKX's v5 REST API for one swap market (BTC/USDT:USDT):
 * instruments (loadMarkets), open interest, funding rate and trades, with data timestamps the
 * test chooses; it can answer 429 or not at all. Point a ccxt okx instance at it with
 * `exchange.urls['api'] = { rest: fake.url }`.
 */
export class FakeOkx {
  mode: FakeOkxMode = 'ok';
  /** Data timestamps (epoch ms) of the answers. */
  oiTs = Date.now() - 5_000;
  fundingTs = Date.now() - 5_000;
  tradeTs: number[] = [Date.now() - 3_000, Date.now() - 2_000, Date.now() - 1_000];
  readonly requests: string[] = [];
  private readonly stalled = new Set<ServerResponse>();

  private constructor(private readonly server: Server, readonly url: string) {}

  static async start(): Promise<FakeOkx> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const fake = new FakeOkx(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    server.on('request', (req, res) => fake.answer(req, res));
    return fake;
  }

  async close(): Promise<void> {
    for (const res of this.stalled) res.destroy();
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private answer(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', this.url);
    this.requests.push(url.pathname);
    const data = (rows: unknown[]) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ code: '0', msg: '', data: rows }));
    };
    if (url.pathname === '/api/v5/public/instruments') {
      data([{ alias: '', baseCcy: '', category: '1', ctMult: '1', ctType: 'linear', ctVal: '0.01', ctValCcy: 'BTC', expTime: '', instFamily: 'BTC-USDT', instId: 'BTC-USDT-SWAP', instType: 'SWAP', lever: '100', listTime: '1611916828000', lotSz: '0.1', maxLmtSz: '100000000', maxMktSz: '12000', minSz: '0.1', optType: '', quoteCcy: '', settleCcy: 'USDT', state: 'live', stk: '', tickSz: '0.1', uly: 'BTC-USDT' }]);
      return;
    }
    if (this.mode === 'rate-limited') {
      res.writeHead(429, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ code: '50011', msg: 'Too Many Requests' }));
      return;
    }
    if (this.mode === 'stalled') {
      this.stalled.add(res); // never answered; closed with the server
      return;
    }
    const instId = 'BTC-USDT-SWAP';
    switch (url.pathname) {
      case '/api/v5/public/open-interest':
        return data([{ instType: 'SWAP', instId, oi: '25000', oiCcy: '250', oiUsd: '15000000', ts: String(this.oiTs) }]);
      case '/api/v5/public/funding-rate':
        return data([{ instType: 'SWAP', instId, fundingRate: '0.0001', nextFundingRate: '', fundingTime: String(this.fundingTs + 3_600_000), nextFundingTime: String(this.fundingTs + 7_200_000), method: 'current_period', ts: String(this.fundingTs) }]);
      case '/api/v5/market/trades':
        return data(this.tradeTs.map((ts, i) => ({ instId, side: i % 2 ? 'sell' : 'buy', sz: '1', px: String(60_000 + i), tradeId: String(1000 + i), ts: String(ts) })));
      default:
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ code: '51000', msg: `no fake for ${url.pathname}` }));
    }
  }
}

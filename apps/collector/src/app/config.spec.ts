import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@tradewatch/collectors';
import { loadConfig } from './config';

const dir = mkdtempSync(join(tmpdir(), 'collector-config-'));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('loadConfig', () => {
  it('applies the docs/product.md §4 defaults', () => {
    const c = loadConfig({});
    expect(c.questdb.url).toBe('http://127.0.0.1:9000');
    expect(c.http).toMatchObject({ port: 8080, bind: '127.0.0.1', tokens: [] });
    expect(c.spool.dir).toBe('.data/spool');
    expect(c.demo).toBe(false);
    expect(c.service.daemons.intervalMs).toBe(5_000);
    expect(c.service.exchanges.rowIntervalMs).toBe(5_000);
    expect(c.service.pipeline.cadencesMs).toEqual({ oi: 300_000, funding: 3_600_000, liquidation: 120_000 });
    expect(c.service.validation.exchanges).toEqual(['binance', 'bybit', 'okx', 'dydx']);
  });

  it.each([
    [{ COLLECTOR_PORT: 'eighty' }, /COLLECTOR_PORT: must be a port number/],
    [{ COLLECTOR_PORT: '70000' }, /COLLECTOR_PORT/],
    [{ QUESTDB_URL: 'localhost:9000' }, /QUESTDB_URL: must be an http\(s\) URL/],
    [{ COLLECTOR_DEMO: 'yes' }, /COLLECTOR_DEMO: must be 1 or 0/],
    [{ COLLECTOR_ENV: 'qa' }, /COLLECTOR_ENV/],
    [{ COLLECTOR_TOKENS: 'short' }, /COLLECTOR_TOKENS: every token must be at least 16 characters/],
    [{ COLLECTOR_BIND: '0.0.0.0' }, /COLLECTOR_TOKENS: required when COLLECTOR_BIND \(0\.0\.0\.0\) is not a loopback address/],
    [{ QUESTDB_USER: 'admin' }, /QUESTDB_USER, QUESTDB_PASSWORD: set both or neither/],
    [{ COLLECTOR_CONFIG: '/nonexistent/collector.yaml' }, /COLLECTOR_CONFIG: cannot read \/nonexistent\/collector\.yaml/],
  ])('refuses %p naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('accepts tokens when bound beyond loopback', () => {
    const c = loadConfig({ COLLECTOR_BIND: '0.0.0.0', COLLECTOR_TOKENS: ' a-token-0123456789 , another-token-012345 ' });
    expect(c.http.tokens).toEqual(['a-token-0123456789', 'another-token-012345']);
  });

  it('reads a YAML file: daemon targets, probes (by name or with overrides), cadences, validation, spool', () => {
    const path = file('ok.yaml', `
host: collector-1
env: staging
validation: { maxFutureSkewMs: 1000, exchanges: [binance, okx, kraken] }
spool: { dir: /var/spool/tradewatch, maxBytes: 2097152, lingerMs: 100 }
daemons:
  intervalMs: 10000
  targets:
    - url: http://10.0.0.5:8000/status
      host: pipeline-a
exchanges:
  probes:
    - binance
    - exchange: okx
      ping: { style: message, message: ping, pong: "^pong$" }
    - exchange: kraken
      url: wss://ws.kraken.com/v2
      ping: { style: frame }
pipeline: { cadencesMs: { oi: 60000 }, tolerance: 2 }
`);
    const c = loadConfig({ COLLECTOR_CONFIG: path });
    expect(c.service).toMatchObject({ host: 'collector-1', env: 'staging' });
    expect(c.service.validation).toMatchObject({ maxFutureSkewMs: 1000, exchanges: ['binance', 'okx', 'kraken'] });
    expect(c.spool).toEqual({ dir: '/var/spool/tradewatch', maxBytes: 2097152, lingerMs: 100 });
    expect(c.service.daemons.targets).toEqual([{ url: 'http://10.0.0.5:8000/status', host: 'pipeline-a' }]);
    expect(c.service.exchanges.probes.map((p) => p.exchange)).toEqual(['binance', 'okx', 'kraken']);
    expect(c.service.pipeline.cadencesMs).toEqual({ oi: 60_000, funding: 3_600_000, liquidation: 120_000 });
    expect(c.service.pipeline.tolerance).toBe(2);
  });

  it('COLLECTOR_SPOOL_DIR overrides the file', () => {
    const path = file('spool.json', JSON.stringify({ spool: { dir: '/from/file' } }));
    expect(loadConfig({ COLLECTOR_CONFIG: path, COLLECTOR_SPOOL_DIR: '/from/env' }).spool.dir).toBe('/from/env');
  });

  it.each([
    ['bad-url.yaml', 'daemons: { targets: [ { url: "not a url" } ] }', /daemons\.targets\.0\.url: must be an http\(s\) URL/],
    ['typo.yaml', 'pipline: { intervalMs: 1000 }', /pipline/],
    ['probe.yaml', 'exchanges: { probes: [ { exchange: kraken } ] }', /exchanges\.probes\.0: exchange "kraken" has no default probe: set url and ping/],
    ['allow.yaml', 'exchanges: { probes: [ { exchange: kraken, url: "wss://x.example", ping: { style: frame } } ] }', /exchanges\.probes\.0\.exchange: "kraken" is not in validation\.exchanges/],
    ['cadence.yaml', 'pipeline: { cadencesMs: { oi: -5 } }', /pipeline\.cadencesMs\.oi/],
    // Names that are JavaScript object members are names like any other, with messages naming the key.
    ['constructor-probe.yaml', 'exchanges: { probes: [ constructor ] }', /exchanges\.probes\.0: exchange "constructor" has no default probe: set url and ping/],
    ['proto-probe.yaml', 'exchanges: { probes: [ __proto__ ] }', /exchanges\.probes\.0: exchange "__proto__" has no default probe: set url and ping/],
    ['capital.yaml', 'trading: { capital: { strategies: { constructor: -1 } } }', /trading\.capital\.strategies\.constructor/],
    ['yaml.yaml', 'daemons: [unclosed', /neither valid YAML nor JSON/],
  ])('refuses %s naming the key', (name, text, message) => {
    const path = file(name, text);
    expect(() => loadConfig({ COLLECTOR_CONFIG: path })).toThrow(message);
  });

  it('reads capital per strategy into a Map: constructor, __proto__ and toString are strategy names', () => {
    const c = loadConfig({ COLLECTOR_CONFIG: file('capital-ok.yaml', 'trading: { capital: { strategies: { constructor: 1000, __proto__: 2000, toString: 3000 } } }') });
    expect([...c.service.trading.capital.strategies]).toEqual([['constructor', 1000], ['__proto__', 2000], ['toString', 3000]]);
  });

  it('demo mode shortens intervals unless the file sets them', () => {
    const c = loadConfig({ COLLECTOR_DEMO: '1', COLLECTOR_CONFIG: file('demo.yaml', 'pipeline: { intervalMs: 3000 }') });
    expect(c.demo).toBe(true);
    expect(c.service.env).toBe('dev');
    expect(c.service.pipeline.intervalMs).toBe(3_000);
    expect(c.service.daemons.intervalMs).toBe(2_000);
  });
});

describe('collector.example.yaml', () => {
  it('is a valid configuration whose values are the defaults (besides its examples)', () => {
    const c = loadConfig({ COLLECTOR_CONFIG: join(__dirname, '../../collector.example.yaml') });
    const d = loadConfig({});
    expect(c.service.exchanges.probes.map((p) => p.exchange)).toEqual(['binance', 'bybit', 'okx', 'dydx']);
    expect(c.service.daemons.targets).toHaveLength(1);
    expect({ ...c.service.pipeline }).toEqual(d.service.pipeline);
    expect({ ...c.service.trading }).toEqual(d.service.trading);
    expect({ ...c.service.exchanges, probes: [] }).toEqual(d.service.exchanges);
    expect({ ...c.service.daemons, targets: [] }).toEqual(d.service.daemons);
    expect(c.http).toEqual(d.http);
    expect(c.spool).toEqual(d.spool);
    expect(c.questdb).toEqual(d.questdb);
    expect(c.shutdown).toEqual(d.shutdown);
    expect({ ...c.service.inventory, expected: d.service.inventory.expected }).toEqual(d.service.inventory);
    expect(c.service.inventory.expected.pipeline).toEqual([{ exchange: 'binance', symbol: 'BTC/USDT:USDT', data_type: 'oi', host: 'pipeline-1' }]);
    expect(c.service.heartbeat).toEqual(d.service.heartbeat);
  });
});

describe('inventory settings', () => {
  it('refuses an expected source whose exchange is not in validation.exchanges, naming the key', () => {
    const dir = mkdtempSync(join(tmpdir(), 'collector-config-inventory-'));
    const file = join(dir, 'c.yaml');
    writeFileSync(file, 'inventory:\n  expected:\n    exchanges: [{ exchange: kraken, host: h }]\n');
    expect(() => loadConfig({ COLLECTOR_CONFIG: file })).toThrow(/inventory\.expected\.exchanges\.0\.exchange: "kraken" is not in validation\.exchanges/);
    writeFileSync(file, 'inventory:\n  expected:\n    daemons: [{ host: h }]\n');
    expect(() => loadConfig({ COLLECTOR_CONFIG: file })).toThrow(/inventory\.expected\.daemons\.0\.env/);
  });
});

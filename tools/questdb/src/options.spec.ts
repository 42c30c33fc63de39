import { resolve } from 'node:path';
import { isLauncherError } from './errors';
import { DEFAULTS, parsePort, parseSeconds, resolveOptions, splitJavaOpts } from './options';

const repo = '/repo';
const cwd = '/work/somewhere';

describe('resolveOptions', () => {
  it('uses the defaults, with the data dir under the repo root', () => {
    const o = resolveOptions({}, {}, repo, cwd);
    expect(o).toEqual({
      dataDir: resolve(repo, '.data/questdb'),
      bind: '127.0.0.1',
      httpPort: 9000,
      pgPort: 8812,
      ilpPort: 9009,
      minPort: 9003,
      javaOpts: ['-Xmx1g'],
      startTimeoutMs: 60_000,
      stopTimeoutMs: 20_000,
      serverConfig: {},
    });
  });

  it('reads the QUESTDB_* env vars', () => {
    const o = resolveOptions(
      {},
      {
        QUESTDB_HTTP_PORT: '29000',
        QUESTDB_PG_PORT: '28812',
        QUESTDB_ILP_PORT: ' 29009 ',
        QUESTDB_MIN_PORT: '29003',
        QUESTDB_DATA_DIR: '/tmp/qdb',
        QUESTDB_BIND: '0.0.0.0',
        QUESTDB_JAVA_OPTS: ' -Xms256m   -Xmx2g ',
        QUESTDB_START_TIMEOUT: '90',
        QUESTDB_STOP_TIMEOUT: '2.5',
      },
      repo,
      cwd,
    );
    expect(o).toMatchObject({
      httpPort: 29000,
      pgPort: 28812,
      ilpPort: 29009,
      minPort: 29003,
      dataDir: '/tmp/qdb',
      bind: '0.0.0.0',
      javaOpts: ['-Xms256m', '-Xmx2g'],
      startTimeoutMs: 90_000,
      stopTimeoutMs: 2_500,
    });
  });

  it('lets options win over env vars', () => {
    const o = resolveOptions(
      { httpPort: 1234, dataDir: '/opt/q', javaOpts: ['-Xmx512m'], startTimeoutMs: 5 },
      { QUESTDB_HTTP_PORT: '29000', QUESTDB_DATA_DIR: '/tmp/qdb', QUESTDB_JAVA_OPTS: '-Xmx2g' },
      repo,
      cwd,
    );
    expect(o.httpPort).toBe(1234);
    expect(o.dataDir).toBe('/opt/q');
    expect(o.javaOpts).toEqual(['-Xmx512m']);
    expect(o.startTimeoutMs).toBe(5);
  });

  it('treats empty env vars as unset', () => {
    const o = resolveOptions({}, { QUESTDB_HTTP_PORT: '', QUESTDB_DATA_DIR: '  ', QUESTDB_JAVA_OPTS: '' }, repo, cwd);
    expect(o.httpPort).toBe(DEFAULTS.httpPort);
    expect(o.dataDir).toBe(resolve(repo, DEFAULTS.dataDir));
    expect(o.javaOpts).toEqual(['-Xmx1g']);
  });

  it('resolves a relative data dir given by the caller against the cwd', () => {
    expect(resolveOptions({ dataDir: 'q' }, {}, repo, cwd).dataDir).toBe('/work/somewhere/q');
    expect(resolveOptions({}, { QUESTDB_DATA_DIR: 'q' }, repo, cwd).dataDir).toBe('/work/somewhere/q');
  });

  it('rejects bad ports, naming where they came from', () => {
    expect(() => resolveOptions({}, { QUESTDB_PG_PORT: 'abc' }, repo, cwd)).toThrow(
      "QUESTDB_PG_PORT must be a port number 1-65535, got 'abc'",
    );
    expect(() => resolveOptions({ httpPort: 70000 }, {}, repo, cwd)).toThrow(/option httpPort/);
  });

  it('rejects two listeners on one port', () => {
    let caught: unknown;
    try {
      resolveOptions({ httpPort: 9009 }, {}, repo, cwd);
    } catch (err) {
      caught = err;
    }
    expect(isLauncherError(caught, 'CONFIG')).toBe(true);
    expect((caught as Error).message).toBe(
      'HTTP and ILP TCP ports are both 9009; each listener needs its own port',
    );
  });

  it('copies serverConfig so the caller cannot change it afterwards', () => {
    const serverConfig = { 'cairo.max.uncommitted.rows': 10 };
    const o = resolveOptions({ serverConfig }, {}, repo, cwd);
    serverConfig['cairo.max.uncommitted.rows'] = 20;
    expect(o.serverConfig).toEqual({ 'cairo.max.uncommitted.rows': 10 });
  });
});

describe('value parsers', () => {
  it.each([['1', 1], ['65535', 65535], [' 8812 ', 8812]])('parsePort(%p) = %p', (v, expected) => {
    expect(parsePort(v, 'x')).toBe(expected);
  });
  it.each(['0', '65536', '-1', '12.5', '1e3', '', 'port'])('parsePort(%p) throws', (v) => {
    expect(() => parsePort(v, 'x')).toThrow(/x must be a port number/);
  });
  it('parseSeconds converts to milliseconds and rejects nonsense', () => {
    expect(parseSeconds('1.5', 'x')).toBe(1500);
    expect(() => parseSeconds('0', 'x')).toThrow(/positive number of seconds/);
    expect(() => parseSeconds('soon', 'x')).toThrow(/positive number of seconds/);
  });
  it('splitJavaOpts splits on any whitespace', () => {
    expect(splitJavaOpts('  -Xmx1g\t-Dfoo=bar \n')).toEqual(['-Xmx1g', '-Dfoo=bar']);
  });
});

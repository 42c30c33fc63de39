import { resolveOptions } from './options';
import { connectHost, javaArgs } from './server';
import { serverSettings, toQdbEnv, toQdbEnvName } from './server-env';

describe('toQdbEnvName', () => {
  it.each([
    ['http.bind.to', 'QDB_HTTP_BIND_TO'],
    ['telemetry.enabled', 'QDB_TELEMETRY_ENABLED'],
    ['shared.network.worker.count', 'QDB_SHARED_NETWORK_WORKER_COUNT'],
    ['view.compiler.worker.haltOnError', 'QDB_VIEW_COMPILER_WORKER_HALTONERROR'],
  ])('%s -> %s', (key, name) => {
    expect(toQdbEnvName(key)).toBe(name);
  });
});

describe('serverSettings', () => {
  const base = resolveOptions(
    { httpPort: 1, pgPort: 2, ilpPort: 3, minPort: 4, dataDir: '/d' },
    {},
    '/repo',
  );

  it('binds every listener to the bind address and its port, disables telemetry, shrinks pools, makes idle workers nap', () => {
    expect(toQdbEnv(serverSettings(base))).toEqual({
      QDB_HTTP_NET_BIND_TO: '127.0.0.1:1',
      QDB_PG_NET_BIND_TO: '127.0.0.1:2',
      QDB_LINE_TCP_NET_BIND_TO: '127.0.0.1:3',
      QDB_HTTP_MIN_NET_BIND_TO: '127.0.0.1:4',
      QDB_TELEMETRY_ENABLED: 'false',
      QDB_SHARED_NETWORK_WORKER_COUNT: '2',
      QDB_SHARED_QUERY_WORKER_COUNT: '1',
      QDB_SHARED_WRITE_WORKER_COUNT: '1',
      QDB_WAL_APPLY_WORKER_COUNT: '1',
      QDB_MAT_VIEW_REFRESH_WORKER_COUNT: '1',
      QDB_VIEW_COMPILER_WORKER_COUNT: '1',
      QDB_SHARED_WORKER_NAP_THRESHOLD: '100',
      QDB_SHARED_WORKER_SLEEP_THRESHOLD: '3000',
      QDB_WAL_APPLY_WORKER_NAP_THRESHOLD: '100',
      QDB_WAL_APPLY_WORKER_SLEEP_THRESHOLD: '3000',
      QDB_MAT_VIEW_REFRESH_WORKER_NAP_THRESHOLD: '100',
      QDB_MAT_VIEW_REFRESH_WORKER_SLEEP_THRESHOLD: '3000',
    });
  });

  it('lets serverConfig add and override keys', () => {
    const o = { ...base, serverConfig: { 'shared.query.worker.count': 2, 'cairo.max.uncommitted.rows': 1000 } };
    const env = toQdbEnv(serverSettings(o));
    expect(env['QDB_SHARED_QUERY_WORKER_COUNT']).toBe('2');
    expect(env['QDB_CAIRO_MAX_UNCOMMITTED_ROWS']).toBe('1000');
  });
});

describe('javaArgs', () => {
  it('is the Java 17 command line of the QuestDB scripts with our options first', () => {
    expect(javaArgs('/c/q.jar', '/d', ['-Xmx1g'])).toEqual([
      '-Djava.io.tmpdir=/d/jvm-tmp',
      '-Xmx1g',
      '-XX:+UseParallelGC',
      '--add-exports',
      'java.base/jdk.internal.math=io.questdb',
      '-p',
      '/c/q.jar',
      '-m',
      'io.questdb/io.questdb.ServerMain',
      '-d',
      '/d',
    ]);
  });
});

describe('connectHost', () => {
  it('connects to loopback when bound to all addresses', () => {
    expect(connectHost('0.0.0.0')).toBe('127.0.0.1');
    expect(connectHost('::')).toBe('::1');
    expect(connectHost('10.1.2.3')).toBe('10.1.2.3');
  });
});

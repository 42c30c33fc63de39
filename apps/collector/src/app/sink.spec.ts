import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { CollectorMetrics } from '@tradewatch/collectors';
import { SpoolSink } from '@tradewatch/questdb-client';
import { loadConfig } from './config';
import { createSink } from './sink';

describe('createSink', () => {
  let dir: string;
  beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'collector-sink-'))));
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('hands every argument of append to the spool, line prefixes included (no QuestDB needed: nothing is shipped)', async () => {
    const append = jest.spyOn(SpoolSink.prototype, 'append');
    // Port 9 (discard) on loopback: shipping fails quietly; the test only appends.
    const config = loadConfig({ QUESTDB_URL: 'http://127.0.0.1:9', COLLECTOR_SPOOL_DIR: dir });
    const handle = await createSink(config, new CollectorMetrics({ defaultMetrics: false }), pino({ level: 'silent' }));
    try {
      const rows = [{ timestamp: 1, exchange: 'okx', host: 'h', env: 'prod' as const, connected: true }];
      const prefixes = [Buffer.from('exchange_status,exchange=okx,host=h,env=prod')];
      await handle.sink.append('exchange_status', rows, prefixes);
      expect(append).toHaveBeenCalledWith('exchange_status', rows, prefixes);
    } finally {
      append.mockRestore();
      await handle.sink.close();
    }
  });
});

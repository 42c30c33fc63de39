import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkStatusFile, writeStatusFile } from './status-file';

describe('retention status file', () => {
  let dir: string;
  beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'retention-status-'))));
  const now = Date.parse('2026-11-22T12:00:00Z');

  it('is healthy after a successful run while the next one is not overdue', async () => {
    const path = join(dir, 'nested', 'status.json');
    await writeStatusFile(path, { ok: true, finishedAt: '2026-11-22T00:00:00.000Z', nextRunBy: '2026-11-23T00:00:00.000Z' });
    expect(await checkStatusFile(path, now)).toEqual({ healthy: true, reason: 'last run at 2026-11-22T00:00:00.000Z succeeded' });
  });

  it('is unhealthy when the scheduled run is overdue', async () => {
    const path = join(dir, 'status.json');
    await writeStatusFile(path, { ok: true, finishedAt: '2026-11-20T00:00:00.000Z', nextRunBy: '2026-11-21T00:00:00.000Z' });
    expect(await checkStatusFile(path, now)).toEqual({ healthy: false, reason: 'the run due by 2026-11-21T00:00:00.000Z has not happened' });
  });

  it('is unhealthy when the last run failed, and says why', async () => {
    const path = join(dir, 'status.json');
    await writeStatusFile(path, { ok: false, finishedAt: '2026-11-22T00:00:00.000Z', error: 'QuestDB unreachable' });
    expect(await checkStatusFile(path, now)).toMatchObject({ healthy: false, reason: expect.stringContaining('failed: QuestDB unreachable') });
  });

  it('is unhealthy when the file is missing or garbled', async () => {
    expect(await checkStatusFile(join(dir, 'none.json'), now)).toMatchObject({ healthy: false, reason: expect.stringContaining('no readable status') });
    await writeFile(join(dir, 'bad.json'), '{"ok": "yes"}');
    expect(await checkStatusFile(join(dir, 'bad.json'), now)).toMatchObject({ healthy: false });
  });
});

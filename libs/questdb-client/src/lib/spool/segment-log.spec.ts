import { constants } from 'node:fs';
import { mkdtemp, readdir, readlink, rm, stat, truncate, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeRecord, readRecordHeader, readRecordIlp } from './record-codec';
import { SegmentLog, unwritten } from './segment-log';

/** Every record in the log from `from`, decoded. */
async function readAll(log: SegmentLog, from = 0): Promise<{ table: string; ilp: string }[]> {
  const out: { table: string; ilp: string }[] = [];
  let pos = from;
  for (;;) {
    const chunk = await log.read(pos, 1024);
    if (!chunk || chunk.buf.length === 0) return out;
    let o = 0;
    while (o < chunk.buf.length) {
      const r = readRecordHeader(chunk.buf, o);
      if (r.kind !== 'record') throw new Error(`bad record at ${chunk.start + o}: ${r.kind}`);
      out.push({ table: r.header.table, ilp: readRecordIlp(chunk.buf, o, r.header).toString('utf8') });
      o += r.header.size;
    }
    pos = chunk.start + o;
  }
}

const line = (i: number) => `daemon_metrics,host=h${i},env=dev running=t ${i}t\n`;
const rec = (i: number) => encodeRecord('daemon_metrics', 1, line(i), 1_000 + i);

describe('SegmentLog on real files', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'spool-log-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('keeps appended records across a reopen, in order', async () => {
    const { log } = await SegmentLog.open(dir, 0);
    for (let i = 0; i < 5; i++) await log.append(rec(i));
    await log.close();
    const { log: again, report } = await SegmentLog.open(dir, 0);
    expect(report).toMatchObject({ records: 5, rows: 5, oldestAppendedAtMs: 1_000, truncated: [] });
    expect((await readAll(again)).map((r) => r.ilp)).toEqual([0, 1, 2, 3, 4].map(line));
    await again.close();
  });

  it('group commit: appends made together share one write and fsync', async () => {
    const { log } = await SegmentLog.open(dir, 0);
    await Promise.all(Array.from({ length: 50 }, (_, i) => log.append(rec(i))));
    expect(log.commits).toBe(1);
    // Appends arriving while a commit's write+fsync is under way wait and go together into the next one.
    const first = log.append(rec(50));
    await new Promise((r) => setImmediate(r)); // the commit of `first` has started
    const more = Array.from({ length: 20 }, (_, i) => log.append(rec(51 + i)));
    await Promise.all([first, ...more]);
    expect(log.commits).toBe(3);
    expect(await readAll(log)).toHaveLength(71);
    await log.close();
  });

  // Durability rests on the flag (no fdatasync follows the write where it exists): what the kernel holds for every segment the log writes.
  (process.platform === 'linux' ? it : it.skip)('writes every segment with O_DSYNC, the first and those it rotates to', async () => {
    const { log } = await SegmentLog.open(dir, 0, { segmentBytes: rec(0).length * 2 });
    const flagsOfSegments = async () => {
      const flags: number[] = [];
      for (const fd of await readdir('/proc/self/fd')) {
        const target = await readlink(`/proc/self/fd/${fd}`).catch(() => '');
        if (target.startsWith(dir)) flags.push(parseInt(/^flags:\s+([0-7]+)/m.exec(await readFile(`/proc/self/fdinfo/${fd}`, 'utf8'))?.[1] ?? '0', 8));
      }
      return flags;
    };
    const dataSync = (flags: number[]) => flags.map((f) => (f & constants.O_DSYNC) === constants.O_DSYNC);
    expect(dataSync(await flagsOfSegments())).toEqual([true]);
    for (let i = 0; i < 5; i++) await log.append(rec(i));
    expect(log.segmentCount).toBeGreaterThan(1);
    expect(dataSync(await flagsOfSegments())).toEqual([true]);
    await log.close();
  });

  it('a file cut in the middle of a record recovers to the last whole record, and appends continue after it', async () => {
    const { log } = await SegmentLog.open(dir, 0);
    const records = [rec(0), rec(1), rec(2)];
    for (const r of records) await log.append(r);
    await log.close();
    const [file] = await readdir(dir);
    const wholeTwo = records[0].length + records[1].length;
    await truncate(join(dir, file), wholeTwo + Math.floor(records[2].length / 2));

    const { log: again, report } = await SegmentLog.open(dir, 0);
    expect(report.records).toBe(2);
    expect(report.truncated).toEqual([{ path: join(dir, file), atByte: wholeTwo, bytes: Math.floor(records[2].length / 2), reason: 'torn record at the end of the file' }]);
    expect((await stat(join(dir, file))).size).toBe(wholeTwo);
    await again.append(rec(3));
    expect((await readAll(again)).map((r) => r.ilp)).toEqual([0, 1, 3].map(line));
    await again.close();
  });

  it('a last record with damaged bytes (a torn sector) is cut off by its checksum', async () => {
    const { log } = await SegmentLog.open(dir, 0);
    const records = [rec(0), rec(1)];
    for (const r of records) await log.append(r);
    await log.close();
    const [file] = await readdir(dir);
    const bytes = await readFile(join(dir, file));
    bytes[records[0].length + 20] ^= 0xff;
    // Garbage after the damage too, as a half-written sector would leave.
    await writeFile(join(dir, file), Buffer.concat([bytes, Buffer.alloc(100, 0)]));

    const { log: again, report } = await SegmentLog.open(dir, 0);
    expect(report.records).toBe(1);
    expect(report.truncated).toEqual([expect.objectContaining({ atByte: records[0].length, reason: 'checksum mismatch' })]);
    expect(await readAll(again)).toHaveLength(1);
    await again.close();
  });

  it('rolls over to new segments, deletes the shipped ones, and recovers from the committed offset', async () => {
    const one = rec(0).length;
    const { log } = await SegmentLog.open(dir, 0, { segmentBytes: one * 3 });
    for (let i = 0; i < 10; i++) await log.append(rec(i));
    expect(log.segmentCount).toBe(4);
    expect(await readdir(dir)).toEqual([0, 3, 6, 9].map((n) => `${String(n * one).padStart(20, '0')}.seg`));

    // Shipped up to the middle of the third segment: the first two go.
    const committed = 7 * one;
    expect(await log.deleteBefore(committed)).toBe(2);
    expect(log.start).toBe(6 * one);
    await log.close();

    const { log: again, report } = await SegmentLog.open(dir, committed, { segmentBytes: one * 3 });
    expect(report).toMatchObject({ segments: 2, records: 3, rows: 3, oldestAppendedAtMs: 1_007 });
    expect((await readAll(again, committed)).map((r) => r.ilp)).toEqual([7, 8, 9].map(line));
    expect(again.end).toBe(10 * one);
    await again.close();
  });

  it('refuses appends after close', async () => {
    const { log } = await SegmentLog.open(dir, 0);
    await log.close();
    await expect(log.append(rec(0))).rejects.toMatchObject({ code: 'spool_unavailable' });
  });
});

describe('a short writev', () => {
  it('goes on with exactly the bytes not yet written', () => {
    const parts = [Buffer.from('abc'), Buffer.from('de'), Buffer.from('fghi')];
    const rest = (n: number) => Buffer.concat(unwritten(parts, n)).toString();
    for (let n = 0; n <= 9; n++) expect(rest(n)).toBe('abcdefghi'.slice(n));
    expect(unwritten(parts, 3)).toHaveLength(2);
    expect(unwritten(parts, 9)).toEqual([]);
  });
});

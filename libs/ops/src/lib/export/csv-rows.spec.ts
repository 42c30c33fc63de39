import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CsvCounter } from './csv-rows';

async function count(chunks: string[]): Promise<{ rows: number; bytes: number; out: string }> {
  const counter = new CsvCounter();
  let out = '';
  await pipeline(Readable.from(chunks.map((c) => Buffer.from(c))), counter, new Writable({ write: (c, _e, cb) => ((out += String(c)), cb()) }));
  return { rows: counter.rows, bytes: counter.bytes, out };
}

describe('CsvCounter', () => {
  it('counts data rows after the header and passes the bytes through unchanged', async () => {
    const csv = '"host","n"\n"a",1\n"b",2\n';
    expect(await count([csv])).toEqual({ rows: 2, bytes: Buffer.byteLength(csv), out: csv });
  });

  it('does not count newlines inside quoted values, also across chunk borders', async () => {
    const chunks = ['"host","last_error"\n"a","line one\n', 'line ""two""\n"\n"b","', 'ok"\n'];
    expect((await count(chunks)).rows).toBe(2);
  });

  it('reports zero rows for a header-only export', async () => {
    expect((await count(['"host"\n'])).rows).toBe(0);
  });
});

import { createReadStream } from 'node:fs';
import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isErrno } from './fs-util';

/** One line of the dead-letter file: one refused row. */
export interface DeadLetter {
  /** ISO-8601 time the row was given up on. */
  time: string;
  table: string;
  /** Why QuestDB refused it, in its own words. */
  error: string;
  /** The row as the ILP line QuestDB refused; re-send it (fixed) with `POST /write`. */
  ilp?: string;
  /** Rows of a record from an older spool version that could not even be encoded as ILP. */
  rows?: unknown[];
}

/**
 * Rows QuestDB refused for good, one JSON object per line, so an operator can inspect, fix and
 * re-send them (`jq -r .ilp dead-letters.jsonl` gives the ILP lines). Written with fsync before
 * the shipper moves past them.
 */
export class DeadLetterFile {
  readonly path: string;
  private lines = 0;

  private constructor(dir: string) {
    this.path = join(dir, 'dead-letters.jsonl');
  }

  static async open(dir: string): Promise<DeadLetterFile> {
    const file = new DeadLetterFile(dir);
    file.lines = await countLines(file.path);
    return file;
  }

  /** Entries in the file (refused rows; batches, for files of earlier versions), earlier runs included. */
  get count(): number {
    return this.lines;
  }

  async add(...letters: DeadLetter[]): Promise<void> {
    await appendFile(this.path, letters.map((l) => JSON.stringify(l) + '\n').join(''), { flush: true });
    this.lines += letters.length;
  }
}

async function countLines(path: string): Promise<number> {
  let lines = 0;
  try {
    for await (const chunk of createReadStream(path)) {
      const buf = chunk as Buffer;
      for (let i = buf.indexOf(10); i >= 0; i = buf.indexOf(10, i + 1)) lines++;
    }
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return 0;
    throw error;
  }
  return lines;
}

import { createReadStream } from 'node:fs';
import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isErrno } from './fs-util';

/** One line of the dead-letter file. */
export interface DeadLetter {
  /** ISO-8601 time the rows were given up on. */
  time: string;
  table: string;
  /** Why QuestDB refused them, in its own words. */
  error: string;
  rows: unknown[];
}

/**
 * Rows QuestDB refused for good, one JSON object per line, so an operator can inspect, fix and
 * re-send them (e.g. with `jq -c .rows[]`). Written with fsync before the shipper moves past them.
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

  /** Batches in the file, including those of earlier runs. */
  get count(): number {
    return this.lines;
  }

  async add(letter: DeadLetter): Promise<void> {
    await appendFile(this.path, JSON.stringify(letter) + '\n', { flush: true });
    this.lines++;
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

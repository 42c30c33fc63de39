import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { isErrno, writeFileDurably } from './fs-util';

const checkpointSchema = z.object({
  version: z.literal(1),
  /** Spool offset up to which QuestDB accepted (or the dead-letter file took) every record. */
  committed: z.number().int().nonnegative(),
  updatedAt: z.string(),
});

export type CheckpointReadResult =
  | { kind: 'ok'; committed: number }
  | { kind: 'missing' }
  /** Unreadable: the caller replays from the oldest segment (dedup keys make that harmless). */
  | { kind: 'invalid'; reason: string };

/** The shipper's committed position, in a small JSON file replaced atomically. */
export class Checkpoint {
  readonly path: string;

  constructor(dir: string) {
    this.path = join(dir, 'checkpoint.json');
  }

  async read(): Promise<CheckpointReadResult> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if (isErrno(error, 'ENOENT')) return { kind: 'missing' };
      throw error;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      return { kind: 'invalid', reason: `not JSON: ${(error as Error).message}` };
    }
    const parsed = checkpointSchema.safeParse(json);
    if (!parsed.success) return { kind: 'invalid', reason: z.prettifyError(parsed.error) };
    return { kind: 'ok', committed: parsed.data.committed };
  }

  write(committed: number): Promise<void> {
    return writeFileDurably(this.path, JSON.stringify({ version: 1, committed, updatedAt: new Date().toISOString() }) + '\n');
  }
}

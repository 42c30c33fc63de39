import { readFile, rename, writeFile } from 'node:fs/promises';
import { z } from 'zod';
import { ENVIRONMENTS, TradewatchError } from '@tradewatch/models';
import { SOURCE_KINDS } from './source-kinds';
import type { InventorySnapshot } from './source-inventory';

/** The saved inventory is unreadable; the collector starts with an empty one (and says so). */
export class InventoryFileError extends TradewatchError {
  readonly code = 'inventory_file_invalid';
}

const micros = z.number().int().nonnegative();
const snapshotSchema = z.strictObject({
  version: z.literal(1),
  sources: z.array(
    z.strictObject({
      kind: z.enum(SOURCE_KINDS as [string, ...string[]]),
      key: z.record(z.string(), z.string()),
      env: z.enum(ENVIRONMENTS),
      since: micros,
      lastReportAt: micros.nullable(),
      lastSilenceRowAt: micros.nullable(),
      last: z.record(z.string(), z.unknown()).nullable(),
    }),
  ),
});

/**
 * The inventory saved beside the spool (`<spool dir>/inventory.json`). Kept locally rather than
 * rebuilt from QuestDB because (1) forgetting a source must survive a restart, and QuestDB still
 * holds its rows; (2) QuestDB's latest rows include silence rows, which do not say when the source
 * last reported; (3) the collector starts, and must watch for silence, while QuestDB is down.
 * Written to a temporary file and renamed, so a crash leaves the old or the new file, never half.
 */
export class InventoryStore {
  constructor(readonly path: string) {}

  async load(): Promise<InventorySnapshot | undefined> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new InventoryFileError(`${this.path}: not JSON (${(error as Error).message})`);
    }
    const result = snapshotSchema.safeParse(parsed);
    if (!result.success) {
      const issue = result.error.issues[0];
      throw new InventoryFileError(`${this.path}: ${issue?.path.join('.') || '(top level)'}: ${issue?.message}`);
    }
    return result.data as InventorySnapshot;
  }

  async save(snapshot: InventorySnapshot): Promise<void> {
    const tmp = `${this.path}.tmp`;
    await writeFile(tmp, JSON.stringify(snapshot));
    await rename(tmp, this.path);
  }
}

import type { TableName } from '@tradewatch/models';
import { BufferedWriter } from '../buffered-writer';
import type { Collector, ErrorReporter, RowOutput } from '../collector';
import type { InventoryStore } from './inventory-store';
import type { SourceInventory } from './source-inventory';
import { SOURCE_TABLES, type SourceTable } from './source-kinds';

export interface InventoryCollectorDeps {
  inventory: SourceInventory;
  /** Where silence rows go: through the recorder, but not observed as reports. */
  output: RowOutput;
  /** Saves the inventory beside the spool; none: kept in memory only. */
  store?: InventoryStore;
  intervalMs: number;
  onError: ErrorReporter;
}

/** Checks for silence every `intervalMs`, writes the silence rows due, and saves the inventory. */
export class InventoryCollector implements Collector {
  readonly name = 'inventory';
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();
  private readonly writers = new Map<SourceTable, BufferedWriter<SourceTable>>();

  constructor(private readonly deps: InventoryCollectorDeps) {
    for (const table of Object.values(SOURCE_TABLES)) {
      this.writers.set(table, new BufferedWriter(table as TableName as SourceTable, deps.output, deps.onError));
    }
  }

  /** Loads the saved inventory (an unreadable file is reported and replaced), then checks periodically. */
  async start(): Promise<void> {
    const { store } = this.deps;
    if (store) {
      try {
        const snapshot = await store.load();
        if (snapshot) this.deps.inventory.restore(snapshot);
      } catch (error) {
        this.deps.onError(error as Error, `inventory: starting empty, ${store.path} is unreadable`);
      }
    }
    this.timer = setInterval(() => void this.tick(), this.deps.intervalMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.tick();
  }

  /** One check: silence rows, then the saved copy. Checks never overlap. */
  tick(): Promise<void> {
    this.running = this.running.then(() => this.check());
    return this.running;
  }

  private async check(): Promise<void> {
    const due = this.deps.inventory.silenceRows();
    await Promise.all([...due].map(([table, rows]) => this.writers.get(table)?.write(rows as never)));
    if (this.deps.store) {
      await this.deps.store.save(this.deps.inventory.snapshot()).catch((error: Error) => this.deps.onError(error, `inventory: saving ${this.deps.store?.path} failed`));
    }
  }
}

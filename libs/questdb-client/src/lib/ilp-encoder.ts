import type { SenderBuffer } from '@questdb/nodejs-client';
import { tableDef, type TableName } from '@tradewatch/models';

/** The row-building calls shared by the client's `Sender` and its `SenderBuffer`. */
export type IlpRowWriter = Pick<SenderBuffer, 'table' | 'symbol' | 'intColumn' | 'floatColumn' | 'booleanColumn' | 'stringColumn' | 'timestampColumn'> & {
  at(timestamp: number, unit: 'us'): void | Promise<void>;
};

type FieldWriter = (sender: IlpRowWriter, value: unknown) => void;

/** Writes rows of one table into a sender's buffer, in the column order ILP requires. */
export type RowEncoder = (sender: IlpRowWriter, row: object) => void | Promise<void>;

/**
 * Builds the encoder of a table from the registry once: symbols first (ILP wants tags before
 * fields), then fields by QuestDB type; null and absent values are left out, which QuestDB
 * stores as null. The designated timestamp goes last through `at()`.
 */
export function rowEncoder(table: TableName): RowEncoder {
  const def = tableDef(table);
  const symbols: string[] = [];
  const fields: [string, FieldWriter][] = [];
  for (const name of def.columnNames) {
    if (name === 'timestamp') continue;
    const type = def.columns[name].type;
    switch (type) {
      case 'SYMBOL':
        symbols.push(name);
        break;
      case 'LONG':
        fields.push([name, (s, v) => s.intColumn(name, v as number)]);
        break;
      case 'DOUBLE':
        fields.push([name, (s, v) => s.floatColumn(name, v as number)]);
        break;
      case 'BOOLEAN':
        fields.push([name, (s, v) => s.booleanColumn(name, v as boolean)]);
        break;
      case 'VARCHAR':
        fields.push([name, (s, v) => s.stringColumn(name, v as string)]);
        break;
      case 'TIMESTAMP':
        fields.push([name, (s, v) => s.timestampColumn(name, v as number, 'us')]);
        break;
    }
  }
  return (sender, row) => {
    const r = row as Record<string, unknown>;
    sender.table(table);
    for (const name of symbols) sender.symbol(name, r[name] as string);
    for (const [name, write] of fields) {
      const v = r[name];
      if (v !== null && v !== undefined) write(sender, v);
    }
    return sender.at(r['timestamp'] as number, 'us');
  };
}

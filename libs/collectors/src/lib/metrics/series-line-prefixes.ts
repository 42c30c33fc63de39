import type { TableName } from '@tradewatch/models';
import { linePrefixEncoder, type LinePrefixEncoder } from '@tradewatch/questdb-client';
import type { AdmittedSeries } from './latest-values';

/**
 * Per row, the ILP line prefix (table name and symbols, escaped) of the series `admit` found for
 * it: encoded once per series and kept on the series, so that appending a row copies its symbols
 * instead of escaping them again (see `RowSink.append`). A series' key is the values of the
 * table's SYMBOL columns, the very values the prefix holds, so every row of a series has the
 * same prefix. Rows of series not held yet (new ones), or with a key that is not all text (which
 * the encoder refuses on its own, naming the column), get none and are encoded whole.
 */
export class SeriesLinePrefixes {
  private readonly encoders = new Map<TableName, LinePrefixEncoder>();

  of(table: TableName, admitted: AdmittedSeries): (Uint8Array | undefined)[] {
    const { series } = admitted;
    const prefixes = new Array<Uint8Array | undefined>(series.length);
    for (let i = 0; i < series.length; i++) {
      const held = series[i];
      if (held === undefined) continue;
      if (held.linePrefix === undefined && held.values.every((v) => typeof v === 'string')) held.linePrefix = this.encoder(table)(held.row);
      prefixes[i] = held.linePrefix;
    }
    return prefixes;
  }

  private encoder(table: TableName): LinePrefixEncoder {
    let encode = this.encoders.get(table);
    if (!encode) this.encoders.set(table, (encode = linePrefixEncoder(table)));
    return encode;
  }
}

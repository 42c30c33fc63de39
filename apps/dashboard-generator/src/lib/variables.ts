import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { ENVIRONMENTS, type TableName } from '@tradewatch/models';
import { questDbRef } from './datasource';
import type { ColumnOf, SqlTable } from './sql/registry-sql';
import { variableFilters, type VariableName } from './sql/variables';

const ALL: dashboard.VariableOption = { selected: true, text: 'All', value: '$__all' };

/** `env`: the environments of the registry; multi-select with All. */
export function envVariable(): dashboard.CustomVariableBuilder {
  return new dashboard.CustomVariableBuilder('env')
    .label('Environment')
    .values(ENVIRONMENTS.join(','))
    .multi(true)
    .includeAll(true)
    .current(ALL);
}

/**
 * A variable whose values are the distinct values of `column` in the time range, narrowed by the
 * variables before it (e.g. hosts of the selected environments).
 */
export function columnVariable<T extends TableName>(
  table: SqlTable<T>,
  column: VariableName & ColumnOf<T>,
  label: string,
  narrowBy: readonly (VariableName & ColumnOf<T>)[],
): dashboard.QueryVariableBuilder {
  const where = ['$__timeFilter(timestamp)', ...(narrowBy.length ? [variableFilters(table, narrowBy)] : [])];
  return new dashboard.QueryVariableBuilder(column)
    .label(label)
    .datasource(questDbRef)
    .query(`SELECT DISTINCT ${table.c[column]} FROM ${table} WHERE ${where.join(' AND ')} ORDER BY ${table.c[column]}`)
    .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
    .sort(dashboard.VariableSort.AlphabeticalAsc)
    .multi(true)
    .includeAll(true)
    .current(ALL);
}

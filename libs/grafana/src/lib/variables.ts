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
 * A variable whose values are the values of `column` in the time range, narrowed by the variables
 * before it (e.g. hosts of the selected environments). LATEST ON scans back from the end of the
 * range and stops once it has seen every value: far cheaper than DISTINCT over 30 days.
 */
export function columnVariable<T extends TableName>(
  table: SqlTable<T>,
  column: VariableName & ColumnOf<T>,
  label: string,
  narrowBy: readonly (VariableName & ColumnOf<T>)[],
): dashboard.QueryVariableBuilder {
  const where = ['$__timeFilter(timestamp)', ...(narrowBy.length ? [variableFilters(table, narrowBy)] : [])];
  const name = table.c[column];
  return new dashboard.QueryVariableBuilder(column)
    .label(label)
    .datasource(questDbRef)
    .query(`SELECT ${name} FROM (SELECT timestamp, ${name} FROM ${table} WHERE ${where.join(' AND ')} LATEST ON timestamp PARTITION BY ${name}) ORDER BY ${name}`)
    .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
    .sort(dashboard.VariableSort.AlphabeticalAsc)
    .multi(true)
    .includeAll(true)
    .current(ALL);
}

import type { SqlRelation } from './registry-sql';

/** The dashboard template variables; each filters the column of the same name. */
export const VARIABLE_NAMES = ['env', 'host', 'exchange', 'strategy'] as const;
export type VariableName = (typeof VARIABLE_NAMES)[number];

/**
 * `col IN (<selected values>)`, or `1=1` when the variable is at "All" (the plugin's
 * `$__conditionalAll`, so "All" costs no filter at all). Only variables that name a column of
 * the table or view are accepted. `sqlstring` doubles a quote inside a value (QuestDB's escape;
 * `singlequote` would write \\', which QuestDB rejects).
 */
export function variableFilter<C extends string>(table: SqlRelation<string, C>, variable: VariableName & C): string {
  return `$__conditionalAll(${table.c[variable]} IN (\${${variable}:sqlstring}), $${variable})`;
}

/** The filters of several variables joined with AND. */
export function variableFilters<C extends string>(table: SqlRelation<string, C>, variables: readonly (VariableName & C)[]): string {
  return variables.map((v) => variableFilter(table, v)).join(' AND ');
}

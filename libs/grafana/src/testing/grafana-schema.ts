/**
 * Validates generated dashboard JSON against the dashboard and panel types that the Grafana
 * Foundation SDK ships (generated from Grafana's own CUE schema): the JSON is type-checked by the
 * TypeScript compiler as an object literal, so a missing required field, a wrong type, an unknown
 * enum value or an unknown property (excess property check) is an error with its path.
 */
import { dirname, join } from 'node:path';
import ts from 'typescript';

/** Panel plugin id → SDK module, and whether the module types `fieldConfig.defaults.custom`. */
const PANEL_MODULES: Record<string, { module: string; custom: boolean }> = {
  timeseries: { module: 'timeseries', custom: true },
  stat: { module: 'stat', custom: false },
  'state-timeline': { module: 'statetimeline', custom: true },
  bargauge: { module: 'bargauge', custom: false },
  table: { module: 'table', custom: true },
};

const PRELUDE = `
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
${Object.values(PANEL_MODULES).map((m) => `import type * as ${m.module} from '@grafana/grafana-foundation-sdk/${m.module}';`).join('\n')}
// JSON spells enum members as their values.
type Json<T> = T extends string ? \`\${T}\` : T extends number | boolean | null | undefined ? T
  : T extends readonly (infer U)[] ? Json<U>[] : T extends object ? { [K in keyof T]: Json<T[K]> } : T;
type Target = { refId: string; queryType: 'sql'; rawSql: string; format: 0 | 1; datasource: { type: 'questdb-questdb-datasource'; uid: string } };
type PanelOf<Options, Custom> = Json<Omit<dashboard.Panel, 'targets' | 'options' | 'fieldConfig'>> & {
  targets: Target[];
  options: Json<Options>;
  fieldConfig: { defaults: Json<Omit<dashboard.FieldConfig, 'custom'>> & { custom?: Json<Custom> }; overrides: Json<dashboard.FieldConfigSource['overrides']> };
};
`;

/** Type errors of the dashboards' JSON, each prefixed with the dashboard file and panel. */
export function dashboardSchemaErrors(dashboards: Record<string, unknown>): string[] {
  const parts: string[] = [PRELUDE];
  const labels: string[] = [];
  for (const [file, json] of Object.entries(dashboards)) {
    const { panels = [], ...rest } = json as { panels?: { type: string; title?: string }[] };
    labels.push(`${file}`);
    parts.push(`const d${labels.length}: Json<Omit<dashboard.Dashboard, 'panels'>> = ${JSON.stringify(rest)};`);
    for (const panel of panels) {
      const m = PANEL_MODULES[panel.type];
      labels.push(`${file} panel "${panel.title}"`);
      if (!m) {
        parts.push(`const d${labels.length}: never = "unknown panel type ${panel.type}";`);
        continue;
      }
      const custom = m.custom ? `${m.module}.FieldConfig` : 'never';
      parts.push(`const d${labels.length}: PanelOf<${m.module}.Options, ${custom}> = ${JSON.stringify(panel)};`);
    }
  }
  parts.push(`export const all = [${labels.map((_, i) => `d${i + 1}`).join(', ')}];`);
  return typeCheck(parts.join('\n'), labels);
}

function typeCheck(source: string, labels: string[]): string[] {
  // The virtual file sits in this directory so that node_modules resolve as for the app.
  const fileName = join(__dirname, '__dashboard_schema_check__.ts');
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.Node16,
    moduleResolution: ts.ModuleResolutionKind.Node16,
    skipLibCheck: true,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  host.getSourceFile = (name, lang, ...rest) =>
    name === fileName ? ts.createSourceFile(name, source, lang) : getSourceFile(name, lang, ...rest);
  host.fileExists = (name) => name === fileName || fileExists(name);
  const program = ts.createProgram([fileName], options, host);
  const lines = source.split('\n');
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const text = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    if (!d.file || d.start === undefined) return text;
    const { line } = d.file.getLineAndCharacterOfPosition(d.start);
    const index = /^const d(\d+):/.exec(lines[line] ?? '')?.[1];
    return `${index ? labels[Number(index) - 1] : `line ${line + 1} of ${dirname(fileName)}`}: ${text}`;
  });
}

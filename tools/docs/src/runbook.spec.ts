import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';

// docs/runbook.md has an entry for every alert rule Grafana is provisioned with, and each entry
// states the rule's uid, severity, pending period and thresholds as the rule file has them.
const root = join(__dirname, '../../..');
const runbook = readFileSync(join(root, 'docs/runbook.md'), 'utf8');

interface Rule {
  uid: string;
  title: string;
  for: string;
  labels: { severity: string };
  data: { model: { type?: string; conditions?: { evaluator: { type: string; params: number[] } }[] } }[];
}
const rules: Rule[] = (
  parseYaml(readFileSync(join(root, 'deploy/grafana/provisioning/alerting/alert-rules.yaml'), 'utf8')) as { groups: { rules: Rule[] }[] }
).groups.flatMap((g) => g.rules);

/** The runbook section under `## <title>`, up to the next `## `. */
function section(title: string): string | undefined {
  const start = runbook.indexOf(`\n## ${title}\n`);
  if (start < 0) return undefined;
  const end = runbook.indexOf('\n## ', start + 1);
  return runbook.slice(start, end < 0 ? undefined : end);
}

describe('docs/runbook.md', () => {
  it('covers the alert rules the spec asks for', () => {
    expect(rules.length).toBeGreaterThanOrEqual(12);
  });

  it.each(rules.map((r) => [r.title, r] as const))('has an entry for "%s" that matches the rule', (_title, rule) => {
    const text = section(rule.title);
    expect(text).toBeDefined();
    expect(text).toContain(`**uid** \`${rule.uid}\``);
    expect(text).toContain(`**severity** ${rule.labels.severity}`);
    if (rule.for !== '0s') expect(text).toContain(`\`for ${rule.for}\``);
    for (const q of rule.data) {
      if (q.model.type !== 'threshold') continue;
      for (const p of q.model.conditions?.[0]?.evaluator.params ?? []) expect(text).toMatch(new RegExp(`\\b${p}\\b`));
    }
  });

  it('has no entry for a rule that does not exist', () => {
    const titles = new Set(rules.map((r) => r.title));
    const entries = [...runbook.matchAll(/\n## (.+)\n\n- \*\*uid\*\*/g)].map((m) => m[1]);
    expect(entries.filter((t) => !titles.has(t))).toEqual([]);
    expect(entries).toHaveLength(rules.length);
  });
});

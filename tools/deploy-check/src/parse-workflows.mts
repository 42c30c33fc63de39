/**
 * Parses GitHub Actions workflow files with GitHub's own parser (@actions/workflow-parser) and
 * prints `{ [path]: { errors, jobs } }` as JSON. The parser is ESM that imports JSON without
 * import attributes, so it runs under tsx in a child process rather than inside jest.
 * Usage: tsx parse-workflows.mts <workflow.yml>…
 */
import { readFileSync } from 'node:fs';
import { NoOperationTraceWriter, convertWorkflowTemplate, parseWorkflow } from '@actions/workflow-parser';

const report: Record<string, { errors: string[]; jobs: string[] }> = {};
for (const path of process.argv.slice(2)) {
  const parsed = parseWorkflow({ name: path, content: readFileSync(path, 'utf8') }, new NoOperationTraceWriter());
  const errors = parsed.context.errors.getErrors().map((e) => e.message);
  let jobs: string[] = [];
  if (parsed.value) {
    const template = await convertWorkflowTemplate(parsed.context, parsed.value);
    errors.push(...(template.errors ?? []).map((e) => e.Message));
    jobs = (template.jobs ?? []).map((j) => j.id.value);
  }
  report[path] = { errors, jobs };
}
process.stdout.write(JSON.stringify(report));

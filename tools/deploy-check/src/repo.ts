import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';

/** The workspace root (this file is tools/deploy-check/src/repo.ts). */
export const ROOT = resolve(__dirname, '../../..');

export const repoPath = (...parts: string[]) => join(ROOT, ...parts);
export const readText = (path: string) => readFileSync(repoPath(path), 'utf8');
export const readYaml = <T = unknown>(path: string): T => parseYaml(readText(path)) as T;
export const exists = (path: string) => existsSync(repoPath(path));

export interface NxProject {
  name: string;
  root: string;
  projectType?: string;
  targets?: Record<string, { options?: { outputPath?: string } }>;
}

/** Nx projects under apps/ (each folder with a project.json). */
export function appProjects(): NxProject[] {
  return readdirSync(repoPath('apps'), { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(repoPath('apps', d.name, 'project.json')))
    .map((d) => ({ ...(JSON.parse(readText(`apps/${d.name}/project.json`)) as NxProject), root: `apps/${d.name}` }));
}

/** `KEY=value` lines of a dotenv file (comments and blank lines skipped). */
export function readDotenv(path: string): Map<string, string> {
  const vars = new Map<string, string>();
  for (const line of readText(path).split('\n')) {
    const m = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (m) vars.set(m[1], m[2]);
  }
  return vars;
}

/** Every string in a parsed YAML/JSON document, with its path. */
export function* strings(value: unknown, path: string[] = []): Generator<{ path: string[]; value: string }> {
  if (typeof value === 'string') yield { path, value };
  else if (Array.isArray(value)) for (const [i, v] of value.entries()) yield* strings(v, [...path, String(i)]);
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) yield* strings(v, [...path, k]);
}

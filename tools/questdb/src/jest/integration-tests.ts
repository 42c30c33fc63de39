import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Whether a project has integration tests (`*.int.spec.ts`) under its root. Projects with only
 * unit tests skip starting QuestDB: on a 2-core CI machine each start costs seconds.
 */
export async function hasIntegrationTests(rootDir: string): Promise<boolean> {
  const entries = await readdir(rootDir, { recursive: true, withFileTypes: true });
  return entries.some(
    (e) => e.isFile() && e.name.endsWith('.int.spec.ts') && !join(e.parentPath, e.name).includes('node_modules'),
  );
}

import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { GENERATED_DIRS, type GeneratedFiles } from '@tradewatch/grafana';

/** Writes the tree and removes files in the generated directories that are no longer generated. */
export async function writeFiles(root: string, files: GeneratedFiles): Promise<{ written: number; removed: string[] }> {
  const stale = await staleFiles(root, files);
  for (const path of stale) await rm(join(root, path));
  for (const [path, content] of files) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
  return { written: files.size, removed: stale };
}

export interface Difference {
  path: string;
  problem: 'missing' | 'out of date' | 'not generated any more';
}

/** How the tree on disk differs from what the code generates; empty when up to date. */
export async function diffFiles(root: string, files: GeneratedFiles): Promise<Difference[]> {
  const out: Difference[] = [];
  for (const [path, content] of files) {
    const current = await readFile(join(root, path), 'utf8').catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return undefined;
      throw e;
    });
    if (current === undefined) out.push({ path, problem: 'missing' });
    else if (current !== content) out.push({ path, problem: 'out of date' });
  }
  for (const path of await staleFiles(root, files)) out.push({ path, problem: 'not generated any more' });
  return out;
}

async function staleFiles(root: string, files: GeneratedFiles): Promise<string[]> {
  const stale: string[] = [];
  for (const dir of GENERATED_DIRS) {
    const names = await readdir(join(root, dir)).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return [] as string[];
      throw e;
    });
    for (const name of names) {
      const path = `${dir}/${name}`;
      if (!files.has(path)) stale.push(path);
    }
  }
  return stale.sort();
}

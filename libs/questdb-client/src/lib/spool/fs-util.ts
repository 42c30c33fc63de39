import { open, rename, writeFile } from 'node:fs/promises';

/** Makes a directory's entries (created, renamed, deleted files) durable, not only the files' bytes. */
export async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Writes, fsyncs and renames over `file`: after a crash a reader sees the old or the new content, never half. */
export async function writeFileDurably(file: string, content: string): Promise<void> {
  const tmp = `${file}.tmp`;
  await writeFile(tmp, content, { flush: true });
  await rename(tmp, file);
}

/** By shape, not `instanceof Error`: Node's errors can come from another realm (e.g. under jest). */
export const isErrno = (error: unknown, code: string): boolean =>
  typeof error === 'object' && error !== null && (error as NodeJS.ErrnoException).code === code;

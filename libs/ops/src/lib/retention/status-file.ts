import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';

const statusSchema = z.object({ ok: z.boolean(), finishedAt: z.iso.datetime(), nextRunBy: z.iso.datetime().optional(), error: z.string().optional() });
export type RetentionStatus = z.infer<typeof statusSchema>;

/** Written after each run (atomically, via rename) so a container health check can read it. */
export async function writeStatusFile(path: string, status: RetentionStatus): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(`${path}.tmp`, `${JSON.stringify(status)}\n`);
  await rename(`${path}.tmp`, path);
}

/**
 * Healthy when the last run succeeded and, for a scheduled job, the next one is not overdue
 * (`nextRunBy` plus a grace period). Returns the reason when it is not.
 */
export async function checkStatusFile(path: string, nowMs = Date.now(), graceMs = 15 * 60_000): Promise<{ healthy: boolean; reason: string }> {
  let status: RetentionStatus;
  try {
    status = statusSchema.parse(JSON.parse(await readFile(path, 'utf8')));
  } catch (error) {
    return { healthy: false, reason: `no readable status in ${path}: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (!status.ok) return { healthy: false, reason: `last run at ${status.finishedAt} failed: ${status.error ?? 'unknown error'}` };
  if (status.nextRunBy && Date.parse(status.nextRunBy) + graceMs < nowMs) {
    return { healthy: false, reason: `the run due by ${status.nextRunBy} has not happened` };
  }
  return { healthy: true, reason: `last run at ${status.finishedAt} succeeded` };
}

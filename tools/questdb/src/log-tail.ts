import { open } from 'node:fs/promises';

/**
 * The last lines of QuestDB's log, for error messages: when the server dies during start-up the
 * reason (bad option, port taken, disk full) is in its last few lines.
 */
export async function readLogTail(file: string, maxLines = 40, maxBytes = 16 * 1024): Promise<string> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch {
    return '(no log file)';
  }
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, maxBytes);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    const lines = buffer.toString('utf8').split('\n');
    if (length < size) lines.shift(); // first line is probably cut
    while (lines.length > 0 && lines[lines.length - 1].trim() === '') lines.pop();
    return lines.length > 0 ? lines.slice(-maxLines).join('\n') : '(log is empty)';
  } finally {
    await handle.close();
  }
}

export function withLogTail(message: string, logFile: string, tail: string): string {
  return `${message}\n--- last lines of ${logFile} ---\n${tail}\n---`;
}

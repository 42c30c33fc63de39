import { formatDuration } from '../cli/duration';

export interface ProgressSnapshot {
  rows: number;
  bytes: number;
  elapsedMs: number;
  /** Rows the range holds, when known beforehand. */
  expectedRows?: number;
}

const nf = new Intl.NumberFormat('en-US');

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let i = 0;
  while (value >= 1024 && i < units.length - 1) {
    value /= 1024;
    i++;
  }
  return i === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[i]}`;
}

/** `12,345 / 100,000 rows (12%), 1.2 MiB, 45,000 rows/s, 3.4 MiB/s, 0.3s` */
export function formatProgress(p: ProgressSnapshot): string {
  const seconds = Math.max(p.elapsedMs, 1) / 1000;
  const rows = p.expectedRows !== undefined
    ? `${nf.format(p.rows)} / ${nf.format(p.expectedRows)} rows (${p.expectedRows === 0 ? 100 : Math.min(100, Math.floor((p.rows / p.expectedRows) * 100))}%)`
    : `${nf.format(p.rows)} rows`;
  return `${rows}, ${formatBytes(p.bytes)}, ${nf.format(Math.round(p.rows / seconds))} rows/s, ${formatBytes(Math.round(p.bytes / seconds))}/s, ${formatDuration(p.elapsedMs)}`;
}

/**
 * Progress on a terminal redraws one line; elsewhere (CI logs, pipes) it prints a line every
 * few seconds so the log stays readable.
 */
export class ProgressDisplay {
  private lastDraw = 0;
  constructor(
    private readonly stream: { write(text: string): unknown; isTTY?: boolean },
    private readonly intervalMs = stream.isTTY ? 200 : 5_000,
  ) {}

  update(p: ProgressSnapshot, nowMs = Date.now()): void {
    if (nowMs - this.lastDraw < this.intervalMs) return;
    this.lastDraw = nowMs;
    this.stream.write(this.stream.isTTY ? `\r\x1b[2K${formatProgress(p)}` : `${formatProgress(p)}\n`);
  }

  done(p: ProgressSnapshot, message: string): void {
    this.stream.write(`${this.stream.isTTY ? '\r\x1b[2K' : ''}${message}: ${formatProgress(p)}\n`);
  }
}

/** Where progress goes: process.stderr, or a fake in tests. */
export interface ProgressStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

const MB = 1024 * 1024;

export function formatMb(bytes: number): string {
  return (bytes / MB).toFixed(1);
}

export function formatProgress(label: string, received: number, total: number | undefined): string {
  if (total && total > 0) {
    const pct = Math.min(100, Math.floor((received / total) * 100));
    return `${label}: ${pct}% (${formatMb(received)} / ${formatMb(total)} MB)`;
  }
  return `${label}: ${formatMb(received)} MB`;
}

/**
 * Progress on stderr (stdout stays clean for the CLI's URL). Quiet for the first second, so a fast
 * download prints nothing; then one rewritten line on a terminal, or a line per 10 % (per 5 MB
 * without a Content-Length) in CI logs, which cannot rewrite lines.
 */
export class DownloadProgress {
  private received = 0;
  private lastPrintAt = 0;
  private lastStep = -1;
  private printed = false;
  private readonly startedAt: number;

  constructor(
    private readonly out: ProgressStream,
    private readonly label: string,
    private readonly total: number | undefined,
    private readonly now: () => number = Date.now,
    private readonly quietMs = 1_000,
  ) {
    this.startedAt = now();
  }

  add(bytes: number): void {
    this.received += bytes;
    const t = this.now();
    if (t - this.startedAt < this.quietMs) return;
    if (this.out.isTTY) {
      if (t - this.lastPrintAt < 250) return;
      this.lastPrintAt = t;
      this.out.write(`\r${formatProgress(this.label, this.received, this.total)}`);
      this.printed = true;
      return;
    }
    const step = this.total
      ? Math.floor((this.received / this.total) * 10)
      : Math.floor(this.received / (5 * MB));
    if (step === this.lastStep) return;
    this.lastStep = step;
    this.out.write(`${formatProgress(this.label, this.received, this.total)}\n`);
    this.printed = true;
  }

  /** Ends the progress line (if one was started) with the elapsed time. */
  finish(): void {
    if (!this.printed) return;
    const seconds = ((this.now() - this.startedAt) / 1000).toFixed(1);
    const line = `${formatProgress(this.label, this.received, this.total)} done in ${seconds} s`;
    this.out.write(this.out.isTTY ? `\r${line}\n` : `${line}\n`);
  }

  /** Moves off a half-written terminal line before an error message is printed. */
  abort(): void {
    if (this.printed && this.out.isTTY) this.out.write('\n');
  }
}

import { formatBytes } from './output';

/** Files at least this big get a progress line by default. */
export const PROGRESS_MIN_BYTES = 4 * 2 ** 20;

/**
 * A progress line on stderr: redrawn in place on a terminal, otherwise printed at every 25 % so logs stay
 * short. Stdout stays clean for the command's result.
 */
export class ProgressLine {
  private lastQuarter = -1;
  private readonly startedMs = Date.now();

  constructor(
    private readonly label: string,
    private readonly totalBytes: number,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {}

  /** Reports `doneBytes` of the total. */
  update(doneBytes: number): void {
    const fraction = this.totalBytes > 0 ? doneBytes / this.totalBytes : 1;
    const text = this.render(doneBytes, fraction);
    if (this.stream.isTTY) {
      this.stream.write(`\r${text}`);
      return;
    }
    const quarter = Math.floor(fraction * 4);
    if (quarter > this.lastQuarter) {
      this.lastQuarter = quarter;
      this.stream.write(`${text}\n`);
    }
  }

  /** Ends the line (on a terminal). */
  done(): void {
    if (this.stream.isTTY) this.stream.write('\n');
  }

  private render(doneBytes: number, fraction: number): string {
    const width = 30;
    const filled = Math.round(fraction * width);
    const seconds = Math.max((Date.now() - this.startedMs) / 1000, 0.001);
    return `${this.label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}% ${formatBytes(doneBytes)}/${formatBytes(this.totalBytes)} ${formatBytes(doneBytes / seconds)}/s`;
  }
}

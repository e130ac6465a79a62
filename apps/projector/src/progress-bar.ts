import { type RebuildProgress } from '@cvf/read-model';

const BAR_WIDTH = 24;
const number = (n: number): string => Math.round(n).toLocaleString('en-US');

/** One status line: phase, bar, percentage, events done / total, rate. Pure, for tests. */
export function formatProgress(progress: RebuildProgress, total: number): string {
  const { phase, events, elapsedMs } = progress;
  const share = total > 0 ? Math.min(events / total, 1) : 1;
  const filled = Math.round(share * BAR_WIDTH);
  const bar = `${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}`;
  const rate = elapsedMs > 0 ? (events * 1000) / elapsedMs : 0;
  return (
    `${phase.padEnd(8)} [${bar}] ${String(Math.floor(share * 100)).padStart(3)}%  ` +
    `${number(events)}/${number(total)} events  ${number(rate)} events/s`
  );
}

export interface ProgressOutput {
  readonly isTTY?: boolean;
  write(text: string): unknown;
}

/**
 * Draws the line in place on a terminal (at most every `intervalMs`); elsewhere (a log
 * file, CI) prints a line per phase and every `intervalMs * 20`, so logs stay short.
 */
export class ProgressBar {
  private lastDrawn = 0;
  private lastPhase: RebuildProgress['phase'] | null = null;
  private last: RebuildProgress | null = null;

  constructor(
    private readonly output: ProgressOutput,
    private readonly total: number,
    private readonly intervalMs = 100,
    private readonly now: () => number = () => performance.now(),
  ) {}

  update(progress: RebuildProgress): void {
    this.last = progress;
    const now = this.now();
    const phaseChanged = progress.phase !== this.lastPhase;
    const every = this.output.isTTY ? this.intervalMs : this.intervalMs * 20;
    if (!phaseChanged && now - this.lastDrawn < every) return;
    this.lastDrawn = now;
    this.lastPhase = progress.phase;
    this.draw(progress);
  }

  /** Draws the final state and ends the line. */
  finish(): void {
    if (this.last) this.draw(this.last);
    if (this.output.isTTY) this.output.write('\n');
  }

  private draw(progress: RebuildProgress): void {
    const line = formatProgress(progress, this.total);
    this.output.write(this.output.isTTY ? `\r${line}\u001b[K` : `${line}\n`);
  }
}

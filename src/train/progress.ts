import type { IterationRecord } from '../metrics/history.js';
import { nfeBackward, nfeForward } from '../metrics/history.js';

/** Where progress goes: a writable stream (isTTY picks the redrawn bar over plain lines). */
export interface ProgressSink {
  /** Writes a chunk of text (a line, or a redrawn bar with carriage returns). */
  write(s: string): unknown;
  isTTY?: boolean;
}

function fmt(v: number | undefined, digits = 3): string {
  return v === undefined ? '-' : Number.isFinite(v) ? v.toFixed(digits) : String(v);
}

function duration(s: number): string {
  if (!Number.isFinite(s) || s < 0) return '?';
  const m = Math.floor(s / 60);
  return m > 0 ? `${m}m${String(Math.round(s % 60)).padStart(2, '0')}s` : `${s.toFixed(0)}s`;
}

/**
 * The training progress display. On a TTY a single bar line is redrawn (at most ~10 times a
 * second): iteration, loss, last test NLL (bits/dim for image models), NFE forward/backward
 * (when the model reports them), seconds per iteration and time left. Elsewhere (CI logs, pipes) it writes a plain line every
 * `every` iterations and on each evaluation.
 */
export class Progress {
  private lastDraw = 0;
  private lastTest: number | undefined;
  private lastBpd: number | undefined;
  private avg = 0;

  constructor(
    private readonly total: number,
    private readonly sink: ProgressSink,
    private readonly every: number = Math.max(1, Math.round(total / 20)),
  ) {}

  /** The status text for a record (no bar). */
  text(r: IterationRecord): string {
    const f = nfeForward(r.info);
    const b = nfeBackward(r.info);
    const nfe = f === undefined && b === undefined ? '' : ` | nfe ${fmt(f, 0)}/${fmt(b, 0)}`;
    const test =
      this.lastBpd !== undefined
        ? ` | test ${fmt(this.lastBpd)} bits/dim`
        : this.lastTest === undefined
          ? ''
          : ` | test ${fmt(this.lastTest)}`;
    const left = (this.total - r.iteration) * this.avg;
    return (
      `it ${r.iteration}/${this.total} | loss ${fmt(r.loss)}${test}${nfe} | ` +
      `${fmt(this.avg, 3)} s/it | ${duration(left)} left`
    );
  }

  /** Shows one finished iteration. */
  update(r: IterationRecord): void {
    // exponential average of s/it, started from the first measurement
    this.avg = this.avg === 0 ? r.seconds : 0.9 * this.avg + 0.1 * r.seconds;
    if (r.testNll !== undefined) this.lastTest = r.testNll;
    if (r.testBpd !== undefined) this.lastBpd = r.testBpd;
    if (this.sink.isTTY) {
      const now = Date.now();
      if (now - this.lastDraw < 100 && r.iteration < this.total && r.testNll === undefined) return;
      this.lastDraw = now;
      const width = 20;
      const filled = Math.round((width * r.iteration) / this.total);
      const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
      this.sink.write(`\r\x1b[K${bar} ${this.text(r)}`);
    } else if (r.iteration % this.every === 0 || r.testNll !== undefined || r.iteration === this.total) {
      this.sink.write(`${this.text(r)}\n`);
    }
  }

  /** Prints a message on its own line (after the bar, if one is drawn). */
  note(message: string): void {
    this.sink.write(this.sink.isTTY ? `\r\x1b[K${message}\n` : `${message}\n`);
  }

  /** Ends the bar line. */
  done(): void {
    if (this.sink.isTTY) this.sink.write('\n');
  }
}

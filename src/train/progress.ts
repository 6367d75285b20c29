import type { IterationRecord } from '../metrics/history.js';
import { nfeBackward, nfeForward } from '../metrics/history.js';
import { type Colors, type RedrawnBar, terminalKit } from './terminal-kit.js';

/**
 * Where progress goes: a writable stream. On a TTY (`isTTY`) a bar is redrawn in place, fitted
 * to `columns`; elsewhere (CI logs, pipes, files) plain lines are written.
 */
export interface ProgressSink {
  /**
   * Writes a chunk of text (a line, or a redrawn bar with cursor moves).
   *
   * @param s The text to write.
   */
  write(s: string): unknown;
  /** Whether the sink is a terminal. */
  isTTY?: boolean;
  /** Terminal width in characters (TTY only). Default 80. */
  columns?: number;
  /** Environment, for `NO_COLOR`. Default `process.env` (none where there is no `process`). */
  env?: Record<string, string | undefined>;
}

/** Options of {@link Progress}. */
export interface ProgressOptions {
  /**
   * Off a TTY: also write a line every this many iterations (besides each evaluation, the first
   * and the last iteration); 0 for evaluation lines only. Default 0.
   */
  every?: number;
  /** Colours on a TTY (never off one; `NO_COLOR` set and non-empty turns them off). Default true. */
  color?: boolean;
}

function fmt(v: number | undefined, digits = 3): string {
  return v === undefined ? '-' : Number.isFinite(v) ? v.toFixed(digits) : String(v);
}

/**
 * "1m05s", "42s" or "?" for seconds.
 *
 * @param s Seconds.
 */
export function duration(s: number): string {
  if (!Number.isFinite(s) || s < 0) return '?';
  const m = Math.floor(s / 60);
  return m > 0 ? `${m}m${String(Math.round(s % 60)).padStart(2, '0')}s` : `${s.toFixed(0)}s`;
}

/**
 * Length of `s` as shown (ANSI colour codes removed).
 *
 * @param s Text, possibly with ANSI colour codes.
 */
export function visibleLength(s: string): number {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escape sequences
  return s.replace(/\x1b\[[0-9;]*m/g, '').length;
}

/**
 * Whether colours are wanted on `sink`: a TTY, `color` not false, and `NO_COLOR` unset or empty.
 *
 * @param sink The output.
 * @param color Whether colours are allowed at all. Default true.
 */
export function useColor(sink: ProgressSink, color = true): boolean {
  const env = sink.env ?? globalThis.process?.env ?? {};
  return color && sink.isTTY === true && !(env.NO_COLOR !== undefined && env.NO_COLOR !== '');
}

/** A bar without the terminal kit: `\r`, clear the line, redraw (at most 10 times a second). */
class PlainBar implements RedrawnBar {
  private lastDraw = 0;
  constructor(
    private readonly sink: ProgressSink,
    private readonly format: (width: number) => string,
  ) {}
  start(): void {
    this.render();
  }
  update(): void {
    if (Date.now() - this.lastDraw >= 100) this.render();
  }
  render(): void {
    this.lastDraw = Date.now();
    this.sink.write(`\r\x1b[K${this.format(this.sink.columns ?? 80)}`);
  }
  stop(): void {
    this.render();
    this.sink.write('\n');
  }
}

/**
 * The training progress display. On a TTY, a bar redrawn in place (by the `cli-progress`
 * library where the Node entries installed it, see `provideTerminalKit`; at most 10 times a
 * second) that fits the terminal's width: the bar shrinks, then the
 * least important fields are dropped (time left, s/it, NFE), so a redraw never wraps and
 * scrolls. Fields: iteration, loss, last test NLL (bits/dim for image models), NFE forward /
 * backward (when the model reports them), seconds per iteration, time left. Colours only on a
 * TTY, and never with `NO_COLOR` set. Elsewhere (CI logs, pipes) one plain line per evaluation,
 * plus the first and last iteration.
 */
export class Progress {
  private lastTest: number | undefined;
  private lastBpd: number | undefined;
  private avg = 0;
  private bar: RedrawnBar | undefined;
  private last: IterationRecord | undefined;
  private readonly colors: Colors;
  private readonly every: number;

  /**
   * A progress display for a run of `total` iterations.
   *
   * @param total Number of iterations of the run.
   * @param sink Where to write (e.g. `process.stderr`).
   * @param options Line interval off a TTY and colour; a number is `{ every }`.
   */
  constructor(
    private readonly total: number,
    private readonly sink: ProgressSink,
    options: ProgressOptions | number = {},
  ) {
    const o = typeof options === 'number' ? { every: options } : options;
    this.every = o.every ?? 0;
    const kit = terminalKit();
    const plain = (x: string) => x;
    this.colors = kit ? kit.colors(useColor(sink, o.color)) : { green: plain, cyan: plain, dim: plain };
  }

  /** The status fields of a record, most important first. */
  private fields(r: IterationRecord): string[] {
    const c = this.colors;
    const f = nfeForward(r.info);
    const b = nfeBackward(r.info);
    const out = [`it ${r.iteration}/${this.total}`, `loss ${fmt(r.loss)}`];
    if (this.lastBpd !== undefined) out.push(c.green(`test ${fmt(this.lastBpd)} bits/dim`));
    else if (this.lastTest !== undefined) out.push(c.green(`test ${fmt(this.lastTest)}`));
    if (f !== undefined || b !== undefined) out.push(`nfe ${fmt(f, 0)}/${fmt(b, 0)}`);
    out.push(`${fmt(this.avg, 3)} s/it`);
    out.push(c.dim(`${duration((this.total - r.iteration) * this.avg)} left`));
    return out;
  }

  /**
   * The status text for a record (no bar).
   *
   * @param r The iteration record.
   */
  text(r: IterationRecord): string {
    return this.fields(r).join(' | ');
  }

  /**
   * The bar line for a record, at most `width − 1` visible characters.
   *
   * @param r The iteration record.
   * @param width Terminal width in columns.
   */
  line(r: IterationRecord, width: number): string {
    const fields = this.fields(r);
    const max = Math.max(10, width - 1);
    let text = fields.join(' | ');
    while (visibleLength(text) > max - 12 && fields.length > 2) {
      fields.pop();
      text = fields.join(' | ');
    }
    const room = max - visibleLength(text) - 3;
    const size = Math.min(30, room);
    if (size < 5) return visibleLength(text) <= max ? text : text.slice(0, max);
    const filled = Math.round((size * Math.min(r.iteration, this.total)) / this.total);
    const bar = `[${this.colors.cyan('#'.repeat(filled))}${'.'.repeat(size - filled)}]`;
    return `${bar} ${text}`;
  }

  /**
   * Shows one finished iteration.
   *
   * @param r The iteration record.
   */
  update(r: IterationRecord): void {
    // exponential average of s/it, started from the first measurement
    this.avg = this.avg === 0 ? r.seconds : 0.9 * this.avg + 0.1 * r.seconds;
    if (r.testNll !== undefined) this.lastTest = r.testNll;
    if (r.testBpd !== undefined) this.lastBpd = r.testBpd;
    const first = this.last === undefined;
    this.last = r;
    if (this.sink.isTTY) {
      if (!this.bar) {
        const format = (width: number) => (this.last ? this.line(this.last, width) : '');
        this.bar = terminalKit()?.bar(this.sink, format) ?? new PlainBar(this.sink, format);
        this.bar.start(this.total, r.iteration);
      }
      // an evaluation or the last iteration is drawn at once; others at most 10 times a second
      this.bar.update(r.iteration);
      if (r.testNll !== undefined || r.iteration >= this.total) this.bar.render();
    } else if (
      first ||
      r.testNll !== undefined ||
      r.iteration === this.total ||
      (this.every > 0 && r.iteration % this.every === 0)
    ) {
      this.sink.write(`${this.text(r)}\n`);
    }
  }

  /**
   * Prints a message on its own line (the bar is redrawn below it).
   *
   * @param message The message.
   */
  note(message: string): void {
    if (this.bar) {
      this.sink.write(`\r\x1b[K${message}\n`);
      this.bar.render();
    } else this.sink.write(`${message}\n`);
  }

  /** Ends the bar line (stops redrawing). */
  done(): void {
    this.bar?.stop();
    this.bar = undefined;
  }
}

/** Colour functions (picocolors' shape): each wraps text in an ANSI colour, or returns it as is. */
export interface Colors {
  /** Green text. */
  green(s: string): string;
  /** Cyan text. */
  cyan(s: string): string;
  /** Dim text. */
  dim(s: string): string;
}

/** A redrawn progress bar (cli-progress's SingleBar, as {@link Progress} uses it). */
export interface RedrawnBar {
  /** Starts drawing at `value` of `total`. */
  start(total: number, value: number): void;
  /** Sets the value (redrawn at most at the bar's frame rate). */
  update(value: number): void;
  /** Redraws now. */
  render(): void;
  /** Draws a last time and ends the line. */
  stop(): void;
}

/** What the Node entries provide for terminal output: colours and a redrawn bar. */
export interface TerminalKit {
  /** Colour functions, active or not. */
  colors(enabled: boolean): Colors;
  /** A bar writing to `stream`, whose line is `format(maxWidth)`. */
  bar(stream: { write(s: string): unknown }, format: (maxWidth: number) => string): RedrawnBar;
}

let kit: TerminalKit | undefined;

/**
 * Installs the terminal kit (`cli-progress` and `picocolors`, in `./terminal.ts`). The main
 * entry must load in browsers, which have neither terminals nor Node's `readline`: the Node
 * entries and the CLI install it; without it the display draws its own plain, uncoloured bar.
 * `undefined` removes it (tests).
 */
export function provideTerminalKit(k: TerminalKit | undefined): void {
  kit = k;
}

/** The installed kit, if any. */
export function terminalKit(): TerminalKit | undefined {
  return kit;
}

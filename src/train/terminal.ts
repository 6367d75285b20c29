/**
 * The Node terminal kit of the progress display: a `cli-progress` bar (redrawn in place, at
 * most 10 times a second, line wrapping off while it runs) and `picocolors` colours.
 */
import cliProgress from 'cli-progress';
import pc from 'picocolors';
import { provideTerminalKit, type TerminalKit } from './terminal-kit.js';

/**
 * cli-progress types its stream as a Node writable stream but uses only `write`, `isTTY` and
 * `columns` of it (the cursor moves are escape codes written through `write`): any sink with
 * `write` will do.
 */
function isBarStream(s: { write(s: string): unknown }): s is NodeJS.WritableStream {
  return typeof s.write === 'function';
}

/** cli-progress + picocolors behind {@link TerminalKit}. */
export const nodeTerminalKit: TerminalKit = {
  colors: (enabled) => pc.createColors(enabled),
  bar(stream, format) {
    if (!isBarStream(stream)) throw new TypeError('the progress bar needs a stream with write()');
    return new cliProgress.SingleBar({
      stream,
      format: (_o, params) => format(params.maxWidth),
      fps: 10,
      hideCursor: false,
      gracefulExit: false,
      linewrap: false,
    });
  },
};

/** Installs {@link nodeTerminalKit} (done by importing the Node entries or the CLI). */
export function useNodeTerminal(): void {
  provideTerminalKit(nodeTerminalKit);
}

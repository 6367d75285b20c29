/**
 * The Node terminal kit of the progress display: a `cli-progress` bar (redrawn in place, at
 * most 10 times a second, line wrapping off while it runs) and `picocolors` colours.
 */
import cliProgress from 'cli-progress';
import pc from 'picocolors';
import { provideTerminalKit, type TerminalKit } from './terminal-kit.js';

/** cli-progress + picocolors behind {@link TerminalKit}. */
export const nodeTerminalKit: TerminalKit = {
  colors: (enabled) => pc.createColors(enabled),
  bar(stream, format) {
    return new cliProgress.SingleBar({
      // the library writes to any object with write(); the cast is for its stream type
      stream: stream as unknown as NodeJS.WritableStream,
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

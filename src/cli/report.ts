/** `odeflow report`: rebuilds report.html from a checkpoint, or overlays several runs (`--compare`). */
import { loadCheckpoint } from '../train/checkpoint.js';
import { checkpointData } from './data-flags.js';
import { backend, parse, str } from './flags.js';
import { reportCompare } from './report-compare.js';
import { writeRunReport } from './run-report.js';
import { type CliIO, outPath, printHelp, required, UsageError } from './usage.js';

/** Help text of `report`. */
export const REPORT_HELP = `usage: odeflow report --checkpoint DIR [options]

Rebuilds the HTML report (density heatmap, samples vs data, trajectories when the model has them,
loss/NLL/NFE curves; for image models a grid of samples next to real digits and bits/dim) from a
checkpoint. plotly.js is inlined: the page works offline.

options:
  --checkpoint DIR     run directory written by train (required)
  --out FILE           HTML file (default DIR/report.html)
  --data NAME          data shown next to the model (default: the one it was trained on; a CSV
                       outside the checkpoint's folder must be named here)
  --backend NAME       tfjs backend (default: automatic)
  -h, --help           this text

usage: odeflow report --compare DIR1 DIR2 … [--out FILE]
  overlays several runs' curves and settings ('report --compare --help')`;

/**
 * Runs `odeflow report` on its arguments; resolves to the exit status.
 *
 * @param args The arguments after `report`.
 * @param io Where to write.
 */
export async function cmdReport(args: string[], io: CliIO): Promise<number> {
  if (args.includes('--compare')) {
    return reportCompare(
      args,
      io,
      (m) => new UsageError(m),
      (b) => backend({ backend: b }, io),
    );
  }
  const flags = parse(args, { checkpoint: 'string', out: 'string', data: 'string', backend: 'string' });
  if (flags.help) return printHelp(io, REPORT_HELP);
  const dir = required(flags, 'checkpoint');
  const outFile = outPath(flags, 'out');
  await backend(flags, io);
  const { model, state } = await loadCheckpoint(dir, io.table);
  const source = await checkpointData(dir, state.meta.data, str(flags, 'data'), '--data');
  const seed = typeof state.meta.seed === 'number' && Number.isInteger(state.meta.seed) ? state.meta.seed : 0;
  const out = writeRunReport({
    dir,
    model,
    history: state.history,
    source,
    seed,
    out: outFile,
    meta: state.meta,
  });
  io.stdout.write(`report: ${out}\n`);
  return 0;
}

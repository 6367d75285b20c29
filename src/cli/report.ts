/** `odeflow report`: rebuilds report.html from a checkpoint. */
import { loadCheckpoint } from '../train/checkpoint.js';
import { backend, type CliIO, parse, required, str } from './args.js';
import { dataName, writeReport } from './shared.js';

/** Help text of `report`. */
export const REPORT_HELP = `usage: tsx src/cli.ts report --checkpoint DIR [options]

Rebuilds the HTML report (density heatmap, samples vs data, trajectories when the model has them,
loss/NLL/NFE curves; for image models a grid of samples next to real digits and bits/dim) from a
checkpoint. plotly.js is inlined: the page works offline.

options:
  --checkpoint DIR     run directory written by train (required)
  --out FILE           HTML file (default DIR/report.html)
  --backend NAME       tfjs backend (default: automatic)
  -h, --help           this text`;

/** Runs `report`; resolves to the exit status. */
export async function cmdReport(args: string[], io: CliIO): Promise<number> {
  const flags = parse(args, { checkpoint: 'string', out: 'string', backend: 'string' });
  if (flags.help) {
    io.stdout.write(`${REPORT_HELP}\n`);
    return 0;
  }
  const dir = required(flags, 'checkpoint');
  await backend(flags, io);
  const { model, state } = await loadCheckpoint(dir, io.table);
  const source = dataName(String(state.meta.data ?? '8gaussians'));
  const seed = typeof state.meta.seed === 'number' ? state.meta.seed : 0;
  const out = writeReport(dir, model, state.history, source, seed, str(flags, 'out'));
  io.stdout.write(`report: ${out}\n`);
  return 0;
}

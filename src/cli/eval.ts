/** `odeflow eval`: mean negative log-likelihood (and bits/dim for images) of a checkpoint on held-out data or a CSV file. */
import type { tf } from '../../solvers/tf.js';
import { loadCheckpoint } from '../train/checkpoint.js';
import { evaluate, imageInfo } from '../train/evaluate.js';
import { checkPixels } from './data.js';
import { checkFits, checkpointData } from './data-flags.js';
import { backend, num, parse, str } from './flags.js';
import { evalCsvFile } from './streaming.js';
import { type CliIO, printHelp, required } from './usage.js';

/** Help text of `eval`. */
export const EVAL_HELP = `usage: odeflow eval --checkpoint DIR [options]

Mean negative log-likelihood (nats per point) of a trained model on fresh toy data (by default the
data set it was trained on) or on the rows of a CSV file; image models (digits) also print bits/dim,
on the held-out digits of their training run. Bad rows (non-numbers, NaN/Inf, wrong width; for
image models pixels that are not integers 0..16) are refused with the line or row and column named.

options:
  --checkpoint DIR     run directory written by train (required)
  --data NAME          data set (default: the one the model was trained on)
  --file FILE          CSV file of points instead (a header line is allowed; digits: 64 pixels a row)
  --n N                fresh toy points (default 5000); digits: at most N held-out images (default all)
  --seed S             seed of the fresh toy points (default 12345; unused for digits)
  --backend NAME       tfjs backend (default: automatic)
  -h, --help           this text`;

/**
 * Runs `odeflow eval` on its arguments; resolves to the exit status.
 *
 * @param args The arguments after `eval`.
 * @param io Where to write.
 */
export async function cmdEval(args: string[], io: CliIO): Promise<number> {
  const flags = parse(args, {
    checkpoint: 'string',
    data: 'string',
    file: 'string',
    n: 'string',
    seed: 'string',
    backend: 'string',
  });
  if (flags.help) return printHelp(io, EVAL_HELP);
  const dir = required(flags, 'checkpoint');
  await backend(flags, io);
  const { model, state } = await loadCheckpoint(dir, io.table);
  const file = str(flags, 'file');
  const image = imageInfo(model);
  let label: string;
  let x: tf.Tensor2D;
  if (file) {
    const ev = await evalCsvFile(model, file, image, io.stderr);
    const bpd = ev.bitsPerDim === undefined ? '' : `, ${ev.bitsPerDim.toFixed(4)} bits/dim`;
    if (!Number.isFinite(ev.nll))
      throw new Error(`the model's NLL on ${file} is ${ev.nll}: a log-density is not finite`);
    io.stdout.write(`NLL ${ev.nll.toFixed(4)} nats per point${bpd} (${ev.rows} rows of ${file})\n`);
    return 0;
  } else {
    const data = await checkpointData(dir, state.meta.data, str(flags, 'data'), '--data');
    checkFits(model, data, `--data ${data.name}`);
    const meta = state.meta;
    const set = data.evalSet({
      n: data.image
        ? flags.n === undefined
          ? undefined
          : num(flags, 'n', 1, 'int')
        : num(flags, 'n', 5000, 'int'),
      seed: num(flags, 'seed', 12345, 'nonneg-int'),
      trainSeed: typeof meta.seed === 'number' ? meta.seed : 0,
      testSize:
        typeof meta.testSize === 'number' && meta.data === data.name ? meta.testSize : data.defaultTestSize,
    });
    x = set.x;
    label = set.label;
  }
  try {
    if (image) checkPixels(x, image, file ?? 'data');
    const ev = evaluate(model, x);
    if (!Number.isFinite(ev.nll))
      throw new Error(`the model's NLL is ${ev.nll} (${label}): a log-density is not finite`);
    const bpd = ev.bitsPerDim === undefined ? '' : `, ${ev.bitsPerDim.toFixed(4)} bits/dim`;
    io.stdout.write(`NLL ${ev.nll.toFixed(4)} nats per point${bpd} (${label})\n`);
  } finally {
    x.dispose();
  }
  return 0;
}

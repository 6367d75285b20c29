/** `odeflow sample`: draws samples from a checkpoint and writes them as CSV. */
import { loadCheckpoint } from '../train/checkpoint.js';
import { backend, num, parse } from './flags.js';
import { MAX_SAMPLES, writeSamples } from './streaming.js';
import { type CliIO, outPath, printHelp, required, UsageError } from './usage.js';

/** Help text of `sample`. */
export const SAMPLE_HELP = `usage: odeflow sample --checkpoint DIR [options]

Draws samples from a trained model and writes them as CSV (header x0,x1,…).

options:
  --checkpoint DIR     run directory written by train (required)
  --n N                number of samples (default 1000, at most 10,000,000; drawn in batches of
                       10,000 with seeds S, S+1, …)
  --seed S             seed (default 0)
  --out FILE           CSV file to write (default: standard output)
  --backend NAME       tfjs backend (default: automatic)
  -h, --help           this text`;

/**
 * Runs `odeflow sample` on its arguments; resolves to the exit status.
 *
 * @param args The arguments after `sample`.
 * @param io Where to write.
 */
export async function cmdSample(args: string[], io: CliIO): Promise<number> {
  const flags = parse(args, {
    checkpoint: 'string',
    n: 'string',
    seed: 'string',
    out: 'string',
    backend: 'string',
  });
  if (flags.help) return printHelp(io, SAMPLE_HELP);
  const dir = required(flags, 'checkpoint');
  const n = num(flags, 'n', 1000, 'int');
  if (n > MAX_SAMPLES)
    throw new UsageError(`--n ${n} is invalid: expected a whole number in 1..${MAX_SAMPLES}`);
  const seed = num(flags, 'seed', 0, 'nonneg-int');
  const file = outPath(flags, 'out');
  await backend(flags, io);
  const { model } = await loadCheckpoint(dir, io.table);
  writeSamples(model, n, seed, { file, stdout: io.stdout, stderr: io.stderr });
  if (file) io.stderr.write(`wrote ${n} samples to ${file}\n`);
  return 0;
}

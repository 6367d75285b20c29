/** `odeflow sample`: draws samples from a checkpoint and writes them as CSV. */
import { writeFileSync } from 'node:fs';
import { loadCheckpoint } from '../train/checkpoint.js';
import { backend, type CliIO, num, parse, required, str } from './args.js';

/** Help text of `sample`. */
export const SAMPLE_HELP = `usage: tsx src/cli.ts sample --checkpoint DIR [options]

Draws samples from a trained model and writes them as CSV (header x0,x1,…).

options:
  --checkpoint DIR     run directory written by train (required)
  --n N                number of samples (default 1000)
  --seed S             seed (default 0)
  --out FILE           CSV file to write (default: standard output)
  --backend NAME       tfjs backend (default: automatic)
  -h, --help           this text`;

/** Runs `sample`; resolves to the exit status. */
export async function cmdSample(args: string[], io: CliIO): Promise<number> {
  const flags = parse(args, {
    checkpoint: 'string',
    n: 'string',
    seed: 'string',
    out: 'string',
    backend: 'string',
  });
  if (flags.help) {
    io.stdout.write(`${SAMPLE_HELP}\n`);
    return 0;
  }
  const dir = required(flags, 'checkpoint');
  const n = num(flags, 'n', 1000, 'int');
  const seed = num(flags, 'seed', 0, 'nonneg-int');
  await backend(flags, io);
  const { model } = await loadCheckpoint(dir, io.table);
  const s = model.sample(n, seed);
  const rows = s.arraySync();
  s.dispose();
  const header = Array.from({ length: model.dim }, (_, i) => `x${i}`).join(',');
  const lines = Array.isArray(rows) ? rows.map((r) => (Array.isArray(r) ? r.join(',') : String(r))) : [];
  const csv = `${header}\n${lines.join('\n')}\n`;
  const file = str(flags, 'out');
  if (file) {
    writeFileSync(file, csv);
    io.stderr.write(`wrote ${n} samples to ${file}\n`);
  } else io.stdout.write(csv);
  return 0;
}

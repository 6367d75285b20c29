/**
 * The command line's large-input paths: samples drawn and written in batches, a CSV evaluated
 * as it streams in, each with progress on stderr. Memory stays bounded by the batch size.
 */
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { tf } from '../../solvers/tf.js';
import { streamCsv } from '../data/csv.js';
import { fileError } from '../files.js';
import type { DensityModel } from '../model.js';
import { nllToBitsPerDim } from '../train/evaluate.js';
import type { ProgressSink } from '../train/progress.js';
import type { ImageData } from './data.js';
import { checkPixels } from './data.js';

/** Most samples `sample --n` draws in one run. */
export const MAX_SAMPLES = 10_000_000;
/** Rows per batch when sampling or evaluating. */
export const BATCH_ROWS = 10_000;

/** Reports "what: N of M rows" on stderr at most every `every` rows (and at the end). */
export function rowProgress(sink: ProgressSink, what: string, total?: number, every = 100_000) {
  let shown = 0;
  return (rows: number, done = false): void => {
    if (!done && rows - shown < every) return;
    shown = rows;
    const of = total === undefined ? '' : ` of ${total.toLocaleString('en-US')}`;
    sink.write(`${what}: ${rows.toLocaleString('en-US')}${of} rows${done ? ', done' : ''}\n`);
  };
}

/** A file written piece by piece to a temp name, renamed into place on `commit`, removed on `abort`. */
class StagedFile {
  private readonly tmp: string;
  private fd: number;
  constructor(readonly path: string) {
    this.tmp = join(dirname(path), `.${basename(path)}.tmp-${process.pid}-0`);
    try {
      this.fd = openSync(this.tmp, 'w');
    } catch (err) {
      throw fileError(err, path, 'output file', 'write');
    }
  }
  write(s: string): void {
    const b = Buffer.from(s, 'utf8');
    let off = 0;
    while (off < b.byteLength) off += writeSync(this.fd, b, off, b.byteLength - off);
  }
  commit(): void {
    fsyncSync(this.fd);
    closeSync(this.fd);
    try {
      renameSync(this.tmp, this.path);
    } catch (err) {
      rmSync(this.tmp, { force: true });
      throw fileError(err, this.path, 'output file', 'write');
    }
  }
  abort(): void {
    try {
      closeSync(this.fd);
    } catch {
      // already closed
    }
    rmSync(this.tmp, { force: true });
  }
}

/**
 * Draws `n` samples in batches of {@link BATCH_ROWS} (batch k with seed `seed + k`, so the first
 * batch equals `model.sample(n, seed)` for n ≤ BATCH_ROWS) and writes them as CSV (header
 * x0,x1,…) to `file` (atomically: a partial file never remains) or to `stdout`.
 */
export function writeSamples(
  model: DensityModel,
  n: number,
  seed: number,
  out: { file?: string; stdout: ProgressSink; stderr: ProgressSink },
): void {
  const sink = out.file ? new StagedFile(out.file) : undefined;
  const write = (s: string) => (sink ? sink.write(s) : out.stdout.write(s));
  const progress = rowProgress(out.stderr, 'sampled', n);
  try {
    write(`${Array.from({ length: model.dim }, (_, i) => `x${i}`).join(',')}\n`);
    for (let done = 0, k = 0; done < n; k++) {
      const size = Math.min(BATCH_ROWS, n - done);
      const s = model.sample(size, seed + k);
      let v: Float32Array;
      try {
        v = s.dataSync() as Float32Array;
      } finally {
        s.dispose();
      }
      const d = model.dim;
      const lines: string[] = [];
      for (let r = 0; r < size; r++) lines.push(Array.from(v.subarray(r * d, (r + 1) * d)).join(','));
      write(`${lines.join('\n')}\n`);
      done += size;
      if (n > BATCH_ROWS) progress(done, done === n);
    }
    sink?.commit();
  } catch (err) {
    sink?.abort();
    throw err;
  }
}

/**
 * Mean NLL (and bits/dim for image models) of the rows of a CSV file, read and evaluated in
 * batches as the file streams in. Image rows are checked as pixels (row numbers count data rows).
 */
export async function evalCsvFile(
  model: DensityModel,
  path: string,
  image: ImageData | undefined,
  stderr: ProgressSink,
): Promise<{ nll: number; bitsPerDim?: number; rows: number }> {
  let sum = 0;
  let seen = 0;
  const progress = rowProgress(stderr, `evaluated ${path}`);
  const { rows } = await streamCsv(
    path,
    (values, count, dim) => {
      const x = tf.tensor2d(values, [count, dim]);
      try {
        if (image) checkPixels(x, image, path, seen);
        const s = tf.tidy(() => tf.sum(model.logProb(x)));
        sum -= s.dataSync()[0];
        s.dispose();
      } finally {
        x.dispose();
      }
      seen += count;
      progress(seen);
    },
    { dim: model.dim, batchRows: BATCH_ROWS },
  );
  if (rows > BATCH_ROWS) progress(rows, true);
  const nll = sum / rows;
  return image ? { nll, bitsPerDim: nllToBitsPerDim(nll, model.dim), rows } : { nll, rows };
}

import { type Tensor, tf } from '../../solvers/tf.js';

/** Thrown for data that cannot be used: the message names the row, column and value. */
export class DataError extends Error {
  /** Always `'DataError'`. */
  override name = 'DataError';
}

/** Rows of numbers, or a 2-D tensor. */
export type DataLike = Tensor | readonly (readonly number[])[];

/** Options of {@link checkData}. */
export interface CheckDataOptions {
  /** What the rows are called in messages, e.g. a file name. Default 'data'. */
  source?: string;
  /** Number added to a 0-based row index in messages (e.g. 2 for a CSV with a header). Default 1. */
  rowOffset?: number;
}

/**
 * Validates data of width `dim` and returns it as a float32 tensor `[n, dim]` (a new tensor;
 * the caller disposes it). Refuses, with the row and column named (1-based), non-finite values
 * (NaN, ±Inf), rows of the wrong width, and empty data.
 *
 * @param x Rows of numbers, or a tensor `[n, dim]`.
 * @param dim Expected width.
 * @param options How rows are named in messages; see {@link CheckDataOptions}.
 */
export function checkData(x: DataLike, dim: number, options: CheckDataOptions = {}): tf.Tensor2D {
  const source = options.source ?? 'data';
  const offset = options.rowOffset ?? 1;
  let rows: number;
  let values: Float32Array;
  if (x instanceof tf.Tensor) {
    if (x.rank !== 2) {
      throw new DataError(`${source}: expected a 2-D tensor [n, ${dim}], got shape [${x.shape.join(', ')}]`);
    }
    if (x.shape[1] !== dim) {
      throw new DataError(
        `${source}: expected ${dim} columns, got ${x.shape[1]} (every row has the wrong width)`,
      );
    }
    rows = x.shape[0];
    values = Float32Array.from(x.dataSync());
  } else {
    rows = x.length;
    values = new Float32Array(rows * dim);
    x.forEach((row, i) => {
      if (row.length !== dim) {
        throw new DataError(`${source}: row ${i + offset} has ${row.length} columns, expected ${dim}`);
      }
      for (let c = 0; c < dim; c++) values[i * dim + c] = row[c];
    });
  }
  if (rows === 0) throw new DataError(`${source}: no rows`);
  for (let k = 0; k < values.length; k++) {
    if (!Number.isFinite(values[k])) {
      const row = Math.floor(k / dim);
      const col = k % dim;
      const raw = x instanceof tf.Tensor ? values[k] : x[row][col];
      throw new DataError(
        `${source}: row ${row + offset}, column ${col + 1} is ${raw}; every value must be a finite number`,
      );
    }
  }
  return tf.tensor2d(values, [rows, dim], 'float32');
}

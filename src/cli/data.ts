/**
 * The data sources the command line trains and evaluates on: the toy 2-D densities and the 8×8
 * handwritten digits (an image source: models are built with its `imageShape`).
 */

import { type Tensor, tf } from '../../solvers/tf.js';
import { DataError } from '../data/check.js';
import { readCsvValues } from '../data/csv.js';
import { digitsData, loadDigits } from '../data/digits.js';
import { Rng } from '../data/rng.js';
import { isToyName, type Sampler, toyData, toyNames, toySampler, toySpec } from '../data/toy.js';

/** Image data: what a model of it is built with. */
export interface ImageData {
  /** `[H, W, C]` of one image. */
  shape: [number, number, number];
  /** Pixel levels L: pixels are integers in {0..L−1}. */
  levels: number;
}

/** Held-out points for `eval` and a phrase that says what they are. */
export interface EvalSet {
  x: tf.Tensor2D;
  label: string;
}

/** One data set the CLI knows. */
export interface DataSource {
  readonly name: string;
  /** Flattened dimension of one point. */
  readonly dim: number;
  /** Set for image data. */
  readonly image?: ImageData;
  /** Plot range of 2-D data. */
  readonly range: readonly [number, number];
  /** Default held-out size (`--test-size`). */
  readonly defaultTestSize: number;
  /** Training batches; `sampler(n, -1)` gives (at most n) held-out points disjoint from training. */
  sampler(seed: number, testSize: number): Sampler;
  /** Points for `eval`: fresh toy points, or the held-out split of the training run. */
  evalSet(opts: { n?: number; seed: number; trainSeed: number; testSize: number }): EvalSet;
  /** Real examples shown in the report. */
  reportData(n: number, seed: number): tf.Tensor2D;
}

/** Names of the CLI's data sets: the toy densities, then `digits`. */
export const dataNames: readonly string[] = [...toyNames, 'digits'];

function toySource(name: string): DataSource {
  return {
    name,
    dim: 2,
    range: toySpec(name).range,
    defaultTestSize: 1000,
    sampler: (seed) => toySampler(name, seed),
    evalSet: ({ n = 5000, seed }) => ({ x: toyData(name, n, seed), label: `${n} fresh ${name} points` }),
    reportData: (n, seed) => toyData(name, n, seed),
  };
}

/** The digits split by `seed` ({@link digitsData}): training and held-out pixels, row-major `[n, 64]`. */
function digitsSplit(seed: number, testSize: number): { train: Float32Array; test: Float32Array } {
  const { count } = loadDigits();
  if (!Number.isInteger(testSize) || testSize < 1 || testSize >= count) {
    throw new DataError(`digits: the held-out size must be an integer in 1..${count - 1}, got ${testSize}`);
  }
  const { train, test } = digitsData({ test: testSize, seed });
  const out = { train: Float32Array.from(train.dataSync()), test: Float32Array.from(test.dataSync()) };
  tf.dispose([train, test]);
  return out;
}

/** Rows `ids` of a row-major `[n, width]` array as a tensor. */
function rows(values: Float32Array, ids: readonly number[], width = 64): tf.Tensor2D {
  const out = new Float32Array(ids.length * width);
  ids.forEach((k, r) => {
    out.set(values.subarray(k * width, (k + 1) * width), r * width);
  });
  return tf.tensor2d(out, [ids.length, width]);
}

/**
 * n row indices of a pool of `size`, without replacement (the pool is reshuffled when n > size):
 * a Fisher–Yates shuffle. For a batch much smaller than the pool (a large CSV has millions of
 * rows) the moved entries live in a Map, so a batch costs O(n), not O(size); both give the same
 * indices.
 */
function drawRows(rng: Rng, size: number, n: number): number[] {
  const dense = n * 8 >= size;
  const pool = dense ? range(size) : undefined;
  const moved = new Map<number, number>();
  const at = (k: number): number => (pool ? pool[k] : (moved.get(k) ?? k));
  const put = (k: number, v: number): void => {
    if (pool) pool[k] = v;
    else moved.set(k, v);
  };
  const ids: number[] = [];
  for (let i = 0; i < n; i++) {
    const left = size - (i % size);
    const j = rng.int(left);
    const a = at(j);
    const b = at(left - 1);
    ids.push(a);
    put(j, b);
    put(left - 1, a);
  }
  return ids;
}

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

/** The 8×8 digits (1,797 images, pixels 0..16; see data/DIGITS.md), 297 held out by default. */
const digitsSource: DataSource = {
  name: 'digits',
  dim: 64,
  image: { shape: [8, 8, 1], levels: 17 },
  range: [0, 16],
  defaultTestSize: 297,
  sampler(seed, testSize) {
    const split = digitsSplit(seed, testSize);
    const nTrain = split.train.length / 64;
    const nTest = split.test.length / 64;
    const stream = new Rng(`digits:${seed}`);
    return (n, step) => {
      if (step !== undefined && step < 0) return rows(split.test, range(Math.min(n, nTest)));
      // a batch without replacement (reshuffled each time it exceeds the training split)
      const rng = step === undefined ? stream : new Rng(`digits:${seed}:${step}`);
      return rows(split.train, drawRows(rng, nTrain, n));
    };
  },
  evalSet({ n, trainSeed, testSize }) {
    const { test } = digitsSplit(trainSeed, testSize);
    const count = Math.min(n ?? Number.POSITIVE_INFINITY, test.length / 64);
    return {
      x: rows(test, range(count)),
      label: `${count} held-out digits of split seed ${trainSeed}`,
    };
  },
  reportData(n, seed) {
    const { test } = digitsSplit(seed, digitsSource.defaultTestSize);
    return rows(test, range(Math.min(n, test.length / 64)));
  },
};

/**
 * A CSV file of points (one per line, any width; see parseCsv), refused with the line and
 * column named if a value is not a finite number or a line has the wrong width. `testSize` rows,
 * chosen by the seed, are held out; batches are drawn from the rest.
 */
async function csvSource(path: string, onProgress?: (rows: number) => void): Promise<DataSource> {
  const { values, rows: count, dim } = await readCsvValues(path, { onProgress });
  if (count < 2) {
    throw new DataError(
      `${path}: has ${count} data row; training needs at least 2 (rows to train on and at least one held out)`,
    );
  }
  let bound = 0;
  for (const v of values) bound = Math.max(bound, Math.abs(v));
  const split = (seed: number, testSize: number) => {
    if (!Number.isInteger(testSize) || testSize < 1 || testSize >= count) {
      throw new DataError(
        `${path}: the held-out size must be an integer in 1..${count - 1}, got ${testSize}`,
      );
    }
    const order = drawRows(new Rng(`csv:${seed}`), count, count);
    return { test: order.slice(0, testSize), train: order.slice(testSize) };
  };
  const defaultTestSize = Math.max(1, Math.min(1000, Math.floor(count / 10)));
  return {
    name: path,
    dim,
    range: [-Math.ceil(bound * 1.1), Math.ceil(bound * 1.1)],
    defaultTestSize,
    sampler(seed, testSize) {
      const { train, test } = split(seed, testSize);
      const stream = new Rng(`csv:${seed}:batches`);
      return (n, step) => {
        if (step !== undefined && step < 0) return rows(values, test.slice(0, n), dim);
        const rng = step === undefined ? stream : new Rng(`csv:${seed}:${step}`);
        return rows(
          values,
          drawRows(rng, train.length, n).map((i) => train[i]),
          dim,
        );
      };
    },
    evalSet({ n, trainSeed, testSize }) {
      const { test } = split(trainSeed, testSize);
      const ids = test.slice(0, Math.min(n ?? Number.POSITIVE_INFINITY, test.length));
      return { x: rows(values, ids, dim), label: `${ids.length} held-out rows of ${path}` };
    },
    reportData(n, seed) {
      const { test } = split(seed, defaultTestSize);
      return rows(values, test.slice(0, n), dim);
    },
  };
}

/** Whether `name` names a CLI data set (a toy density, `digits`, or a `.csv` file). */
export function isDataName(name: string): boolean {
  return name === 'digits' || isToyName(name) || name.endsWith('.csv');
}

/**
 * The data source called `name`; throws naming the known ones. A `.csv` file is streamed in
 * (`onProgress` gets the rows read so far).
 */
export async function dataSource(name: string, onProgress?: (rows: number) => void): Promise<DataSource> {
  if (name === 'digits') return digitsSource;
  if (name.endsWith('.csv')) return csvSource(name, onProgress);
  if (isToyName(name)) return toySource(name);
  throw new Error(`unknown data set '${name}'; expected one of ${dataNames.join(', ')}`);
}

/**
 * Refuses image data that a model of `image` cannot have come from: each value must be an integer
 * pixel level in 0..L−1. The message names the data row and column (1-based) and the value.
 */
export function checkPixels(x: Tensor, image: ImageData, source = 'data', rowOffset = 0): void {
  const v = x.dataSync();
  const width = x.shape[1] ?? 1;
  for (let k = 0; k < v.length; k++) {
    if (!Number.isInteger(v[k]) || v[k] < 0 || v[k] > image.levels - 1) {
      throw new DataError(
        `${source}: row ${rowOffset + Math.floor(k / width) + 1}, column ${(k % width) + 1} is ${v[k]}; pixels of ` +
          `${image.shape.join('×')} images must be integers 0..${image.levels - 1}`,
      );
    }
  }
}

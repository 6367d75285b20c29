import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { gunzipSync } from 'node:zlib';
import { tf } from '../../solvers/tf.js';

/** The 8×8 handwritten digits: 1,797 images, integer pixels in 0..16, with labels 0..9. */
export interface Digits {
  /** `[1797, 64]` pixel values (row-major 8×8), integers 0..16. */
  readonly images: Float32Array;
  /** `[1797]` labels 0..9. */
  readonly labels: Int32Array;
  /** Number of images (1797). */
  readonly count: number;
  /** Pixel levels (17). */
  readonly levels: number;
  /** Image shape `[8, 8, 1]`. */
  readonly shape: readonly [8, 8, 1];
}

// through the package's own exports, so the path holds in the sources and in the built dist/
const FILE = createRequire(import.meta.url).resolve('odeflow/data/digits.csv.gz');
let cache: Digits | null = null;

/**
 * Loads the UCI "Optical Recognition of Handwritten Digits" test set (Alpaydin & Kaynak 1998,
 * CC BY 4.0; see data/DIGITS.md) from `data/digits.csv.gz`: one row per image, 64 pixels then the label.
 */
export function loadDigits(): Digits {
  if (cache) return cache;
  const text = gunzipSync(readFileSync(FILE)).toString('utf8').trim();
  const rows = text.split('\n');
  const images = new Float32Array(rows.length * 64);
  const labels = new Int32Array(rows.length);
  rows.forEach((row, i) => {
    const v = row.split(',').map(Number);
    if (v.length !== 65) throw new Error(`digits: row ${i + 1} has ${v.length} fields; expected 65`);
    for (let j = 0; j < 64; j++) images[i * 64 + j] = v[j];
    labels[i] = v[64];
  });
  cache = { images, labels, count: rows.length, levels: 17, shape: [8, 8, 1] };
  return cache;
}

/**
 * A split of the digits as `[n, 64]` tensors of integer pixels: a seeded shuffle, then the first
 * `1797 − test` rows for training and the rest held out.
 *
 * @param opts `test`: held-out images (default 297); `seed`: seed of the shuffle (default 0).
 */
export function digitsData(opts: { test?: number; seed?: number } = {}): {
  /** Training images `[1797 − test, 64]`. */
  train: tf.Tensor2D;
  /** Held-out images `[test, 64]`. */
  test: tf.Tensor2D;
} {
  const d = loadDigits();
  const split = digitsSplit(opts);
  const pick = (ids: number[]): tf.Tensor2D => {
    const out = new Float32Array(ids.length * 64);
    ids.forEach((k, r) => {
      out.set(d.images.subarray(k * 64, k * 64 + 64), r * 64);
    });
    return tf.tensor2d(out, [ids.length, 64]);
  };
  return { train: pick(split.train), test: pick(split.test) };
}

/**
 * The image indices of the split {@link digitsData} makes (a seeded shuffle; the last `test` held
 * out), e.g. to look up the labels of the held-out images: `split.test.map((i) => labels[i])`.
 *
 * @param opts `test`: held-out images (default 297); `seed`: seed of the shuffle (default 0).
 */
export function digitsSplit(opts: { test?: number; seed?: number } = {}): {
  /** Indices of the training images. */
  train: number[];
  /** Indices of the held-out images. */
  test: number[];
} {
  const d = loadDigits();
  const nTest = opts.test ?? 297;
  const idx = Array.from({ length: d.count }, (_, i) => i);
  let s = (opts.seed ?? 0) >>> 0;
  for (let i = idx.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const j = s % (i + 1);
    [idx[i], idx[j]] = [idx[j], idx[i]];
  }
  return { train: idx.slice(0, d.count - nTest), test: idx.slice(d.count - nTest) };
}

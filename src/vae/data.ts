import { type Tensor, tf } from '../../solvers/tf.js';
import { digitsData } from '../data/digits.js';

/** Binarises integer pixels 0..16 at a fixed threshold: 1 where pixel/16 > 0.5. */
export function binarise(pixels: Tensor, levels = 17): Tensor {
  return tf.tidy(() => tf.cast(tf.greater(tf.div(pixels, levels - 1), 0.5), 'float32'));
}

/** The 8×8 digits binarised (fixed threshold), split as in `digitsData` (297 held out, seed 0 by default). */
export function binaryDigits(opts: { test?: number; seed?: number } = {}): { train: Tensor; test: Tensor } {
  const { train, test } = digitsData(opts);
  const out = { train: binarise(train), test: binarise(test) };
  tf.dispose([train, test]);
  return out;
}

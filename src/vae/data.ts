import type { Tensor } from '../../solvers/tf.js';
import { tf } from '../../solvers/tf.js';
import { digitsData } from '../data/digits.js';
import { binarise } from './binarise.js';

/**
 * The 8×8 digits binarised (fixed threshold, see {@link binarise}), split as in `digitsData`
 * (297 held out, seed 0 by default). Reads the data file: Node only.
 *
 * @param opts `test`: held-out images (default 297); `seed`: seed of the shuffle (default 0).
 */
export function binaryDigits(opts: { test?: number; seed?: number } = {}): {
  /** Binary training images `[n, 64]`. */
  train: Tensor;
  /** Binary held-out images `[test, 64]`. */
  test: Tensor;
} {
  const { train, test } = digitsData(opts);
  const out = { train: binarise(train), test: binarise(test) };
  tf.dispose([train, test]);
  return out;
}

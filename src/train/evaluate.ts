import { type Tensor, tf } from '../../solvers/tf.js';
import type { DensityModel } from '../model.js';

/**
 * Mean negative log-likelihood (nats per point) of `x` `[n, dim]` under `model`, computed in
 * batches of `batchSize` (default 1000) to bound memory. Leaves no tensors behind.
 */
export function meanNll(model: DensityModel, x: Tensor, batchSize = 1000): number {
  const n = x.shape[0];
  let total = 0;
  for (let start = 0; start < n; start += batchSize) {
    const size = Math.min(batchSize, n - start);
    const s = tf.tidy(() => {
      const batch = tf.slice(x, [start, 0], [size, -1]);
      return tf.sum(model.logProb(batch));
    });
    total -= s.dataSync()[0];
    s.dispose();
  }
  return total / n;
}

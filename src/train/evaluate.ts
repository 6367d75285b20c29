import { type Tensor, tf } from '../../solvers/tf.js';
import { imageInfo } from '../metrics/image-info.js';
import type { DensityModel } from '../model.js';

export { type ImageInfo, imageInfo } from '../metrics/image-info.js';

/**
 * Mean negative log-likelihood (nats per point) of `x` `[n, dim]` under `model`, computed in
 * batches of `batchSize` (default 1000) to bound memory. Leaves no tensors behind.
 *
 * @param model Any density model.
 * @param x Data `[n, dim]`.
 * @param batchSize Points per batch. Default 1000.
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

/**
 * Bits per dimension of a mean negative log-likelihood of `nllNats` over `dim` dimensions.
 *
 * @param nllNats Mean negative log-likelihood in nats.
 * @param dim Number of dimensions.
 */
export function nllToBitsPerDim(nllNats: number, dim: number): number {
  return nllNats / (dim * Math.LN2);
}

/** Held-out numbers of {@link evaluate}. */
export interface Evaluation {
  /** Mean negative log-likelihood, nats per point. */
  nll: number;
  /** Bits per dimension, for image models only (of the discrete data: dequantization bound). */
  bitsPerDim?: number;
}

/**
 * {@link meanNll} of `x`, plus bits/dim when `model` is an image model ({@link imageInfo}).
 * For image models `logProb` is a one-sample dequantization bound, so the figures vary slightly
 * from call to call.
 *
 * @param model The model to score.
 * @param x Points `[n, dim]` (not disposed).
 * @param batchSize Points per `logProb` call. Default 1000.
 *
 * @example
 * const { nll } = evaluate(model, toyData('8gaussians', 1000, 1)); // held-out NLL in nats
 */
export function evaluate(model: DensityModel, x: Tensor, batchSize = 1000): Evaluation {
  const nll = meanNll(model, x, batchSize);
  return imageInfo(model) ? { nll, bitsPerDim: nllToBitsPerDim(nll, model.dim) } : { nll };
}

/**
 * {@link meanNll} without synchronous reads: the model's `logProbAsync` where it has one (its
 * `logProb` otherwise), each batch's sum read with `await data()`. Same numbers as {@link meanNll}.
 *
 * @param model Any density model.
 * @param x Data `[n, dim]`.
 * @param batchSize Points per batch. Default 1000.
 */
export async function meanNllAsync(model: DensityModel, x: Tensor, batchSize = 1000): Promise<number> {
  const n = x.shape[0];
  let total = 0;
  for (let start = 0; start < n; start += batchSize) {
    const size = Math.min(batchSize, n - start);
    const batch = tf.slice(x, [start, 0], [size, -1]);
    let lp: Tensor;
    try {
      lp = model.logProbAsync ? await model.logProbAsync(batch) : model.logProb(batch);
    } finally {
      batch.dispose();
    }
    const s = tf.sum(lp);
    lp.dispose();
    total -= (await s.data())[0];
    s.dispose();
  }
  return total / n;
}

/**
 * {@link evaluate} without synchronous reads ({@link meanNllAsync}).
 *
 * @param model The model to score.
 * @param x Points `[n, dim]` (not disposed).
 * @param batchSize Points per `logProbAsync` call. Default 1000.
 */
export async function evaluateAsync(model: DensityModel, x: Tensor, batchSize = 1000): Promise<Evaluation> {
  const nll = await meanNllAsync(model, x, batchSize);
  return imageInfo(model) ? { nll, bitsPerDim: nllToBitsPerDim(nll, model.dim) } : { nll };
}

import { type Tensor, tf } from '../../solvers/tf.js';

/** Result of a forward pass: the image and log|det ∂y/∂x| per example (`[B]`). */
export interface ForwardResult {
  readonly y: Tensor;
  readonly logDet: Tensor;
}

/** Result of an inverse pass: the preimage and log|det ∂x/∂y| per example (`[B]`). */
export interface InverseResult {
  readonly x: Tensor;
  readonly logDet: Tensor;
}

/**
 * An invertible, differentiable map acting on a batch (axis 0 is the batch).
 *
 * Convention: `forward` is the *normalizing* direction used for density evaluation
 * (data → latent); `inverse` is the generative direction (latent → data). `logDet` is always
 * the log-abs-determinant of the Jacobian of the map that was applied, so
 * `inverse(forward(x).y).logDet = −forward(x).logDet`.
 */
export interface Bijector {
  /** Short name for messages and summaries. */
  readonly name: string;
  /** Trainable variables, in a stable order. */
  readonly params: readonly tf.Variable[];
  /** The normalizing direction (data → latent): y = f(x) and log|det ∂y/∂x|. */
  forward(x: Tensor): ForwardResult;
  /** The generative direction (latent → data): x = f⁻¹(y) and log|det ∂x/∂y|. */
  inverse(y: Tensor): InverseResult;
}

/** Sums every axis but the batch axis: `[B, ...] → [B]`. */
export function sumExceptBatch(t: Tensor): Tensor {
  if (t.rank === 1) return t;
  const axes = Array.from({ length: t.rank - 1 }, (_, i) => i + 1);
  return tf.sum(t, axes);
}

/** Number of elements per example (product of all axes but the first). */
export function eventSize(shape: readonly number[]): number {
  return shape.slice(1).reduce((a, b) => a * b, 1);
}

/** A `[B]` vector of zeros matching the batch of `x`. */
export function zeroLogDet(x: Tensor): Tensor {
  return tf.zeros([x.shape[0]]);
}

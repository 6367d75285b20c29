import { type Tensor, tf } from '../../solvers/tf.js';

export type {
  Bijector,
  ForwardResult,
  InverseResult,
  PassMode,
} from '../core/transform.js';

/**
 * Sums every axis but the batch axis: `[B, ...] → [B]`.
 *
 * @param t A tensor `[B, ...]`.
 */
export function sumExceptBatch(t: Tensor): Tensor {
  if (t.rank === 1) return t;
  const axes = Array.from({ length: t.rank - 1 }, (_, i) => i + 1);
  return tf.sum(t, axes);
}

/**
 * Number of elements per example (product of all axes but the first).
 *
 * @param shape A batch shape `[B, ...]`.
 */
export function eventSize(shape: readonly number[]): number {
  return shape.slice(1).reduce((a, b) => a * b, 1);
}

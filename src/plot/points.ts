import { type Tensor, tf } from '../../solvers/tf.js';

/** 2-D points as rows, or a tensor `[n, 2]` (only the first two columns are used). */
export type Points = Tensor | readonly (readonly number[])[];

/**
 * The x and y columns of some points, as plain arrays (tensors are read, not disposed).
 *
 * @param points Points `[n, 2]` (further columns ignored), a tensor or nested arrays.
 */
export function columns(points: Points): {
  /** First column. */
  x: number[];
  /** Second column. */
  y: number[];
} {
  const rows = points instanceof tf.Tensor ? (points.arraySync() as number[][]) : points;
  return { x: rows.map((r) => r[0]), y: rows.map((r) => r[1]) };
}

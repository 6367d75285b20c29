import { OdeShapeError } from './errors.js';
import { type Tensor, tf } from './tf.js';
import type { OdeFunc } from './types.js';

/**
 * Wraps f so that every call is counted, its result's shape and dtype are checked, and the result
 * is a tensor the solver may dispose.
 */
export interface CountedFunc {
  (t: number, y: Tensor): Tensor;
  nfe: number;
}

export function counted(f: OdeFunc, y0: Tensor): CountedFunc {
  const shape = y0.shape;
  // Every tensor created from here on has a larger id (tfjs ids only grow).
  const mark = tf.scalar(0);
  const markId = mark.id;
  mark.dispose();
  const g = ((t: number, y: Tensor): Tensor => {
    g.nfe++;
    const dy = f(t, y);
    if (dy === null || typeof dy !== 'object' || !Array.isArray((dy as Tensor).shape)) {
      throw new OdeShapeError(`f(t = ${t}, y) must return a tf.Tensor; it returned ${String(dy)}`);
    }
    const same = dy.shape.length === shape.length && dy.shape.every((d, i) => d === shape[i]);
    if (!same) {
      throw new OdeShapeError(
        `f(t = ${t}, y) returned shape [${dy.shape.join(', ')}], but the state y has shape [${shape.join(', ')}]`,
      );
    }
    if (dy.dtype !== 'float32') {
      throw new OdeShapeError(`f(t = ${t}, y) returned dtype ${dy.dtype}; the state is float32`);
    }
    // The solvers own (and dispose) what f returns. A tensor f did not create during this call
    // (its input y, or a constant it holds) is cloned: a clone shares the data, costs no copy,
    // and disposing it leaves the caller's tensor alone.
    return dy.id > markId && dy.id > y.id ? dy : tf.clone(dy);
  }) as CountedFunc;
  g.nfe = 0;
  return g;
}

import { OdeShapeError } from './errors.js';
import type { Tensor } from './tf.js';
import type { OdeFunc } from './types.js';

/** Wraps f so that every call is counted and its result's shape and dtype are checked. */
export interface CountedFunc {
  (t: number, y: Tensor): Tensor;
  nfe: number;
}

export function counted(f: OdeFunc, y0: Tensor): CountedFunc {
  const shape = y0.shape;
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
    return dy;
  }) as CountedFunc;
  g.nfe = 0;
  return g;
}

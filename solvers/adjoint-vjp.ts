import { OdeError } from './errors.js';
import { type Tensor, tf } from './tf.js';
import type { OdeFunc } from './types.js';

/** f(t, y) and the vector–Jacobian products cᵀ·∂f/∂y and cᵀ·∂f/∂θ_k from one evaluation of f. */
export interface VjpResult {
  /** f(t, y). */
  fy: Tensor;
  /** cᵀ·∂f/∂y, shape of y. */
  dy: Tensor;
  /** cᵀ·∂f/∂θ_k for each parameter (zeros where f does not use θ_k). */
  dParams: Tensor[];
}

/**
 * One evaluation of f with first-order tfjs autodiff: f(t, y) and the VJPs of the cotangent `c`
 * with respect to y and to `params` (tensors f closes over, e.g. tf.Variables). Never a gradient
 * of a gradient: the tape records f alone.
 *
 * This runs inside the backward pass of an outer `tf.grad`. tfjs's engine resets its single
 * active tape when a gradient computation starts at depth 0 and clears it when that one ends, which
 * would crash (and leak) the outer backward pass that is still walking its own tape. So the outer
 * tape is put back afterwards. Differentiating the adjoint's gradient again (higher order) is not
 * supported and throws.
 */
export function vjp(f: OdeFunc, t: number, y: Tensor, params: readonly Tensor[], c: Tensor): VjpResult {
  const engine = tf.engine();
  if (engine.state.gradientDepth > 0) {
    throw new OdeError(
      'odeintAdjoint: higher-order gradients (a gradient of the adjoint gradient) are not supported; ' +
        'differentiate through odeint (backpropagation) instead',
    );
  }
  const outerTape = engine.state.activeTape;
  const xs = [y, ...params];
  try {
    const { value, grads } = engine.gradients(() => f(t, y), xs, c, true);
    const full = grads.map((g, i) => g ?? tf.zerosLike(xs[i]));
    return { fy: value, dy: full[0], dParams: full.slice(1) };
  } finally {
    engine.state.activeTape = outerTape;
  }
}

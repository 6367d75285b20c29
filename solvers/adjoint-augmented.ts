import { vjp } from './adjoint-vjp.js';
import { type Tensor, tf } from './tf.js';
import type { OdeFunc } from './types.js';

/**
 * The layout of the augmented adjoint state z = [y, a, a_θ] as ONE flat tensor: y (n elements),
 * the adjoint a = ∂L/∂y (n), then the parameter adjoints a_θ (P = Σ size(θ_k)). One tensor lets
 * the ordinary solvers integrate it, and the leading 2n elements are what the seminorm measures.
 */
export class AugmentedLayout {
  /** Elements of y (and of a). */
  readonly n: number;
  /** Elements of all parameters together. */
  readonly p: number;
  constructor(
    readonly shape: readonly number[],
    readonly params: readonly Tensor[],
  ) {
    this.n = shape.reduce((x, d) => x * d, 1);
    this.p = params.reduce((x, v) => x + v.size, 0);
  }
  /** Total length 2n + P. */
  get size(): number {
    return 2 * this.n + this.p;
  }
  /** Packs y, a (shape of y or flat) and a flat a_θ into one flat tensor. */
  pack(y: Tensor, a: Tensor, aTheta: Tensor): Tensor {
    const parts = [tf.reshape(y, [-1]), tf.reshape(a, [-1])];
    if (this.p > 0) parts.push(aTheta);
    return tf.concat(parts);
  }
  y(z: Tensor): Tensor {
    return tf.reshape(tf.slice(z, 0, this.n), this.shape as number[]);
  }
  a(z: Tensor): Tensor {
    return tf.reshape(tf.slice(z, this.n, this.n), this.shape as number[]);
  }
  /** The flat parameter adjoint (an empty tensor when there are no parameters). */
  aTheta(z: Tensor): Tensor {
    return tf.slice(z, 2 * this.n, this.p);
  }
  /** Splits a flat a_θ into tensors shaped like the parameters. */
  splitParams(aTheta: Tensor): Tensor[] {
    if (this.p === 0) return [];
    const parts = tf.split(
      aTheta,
      this.params.map((v) => v.size),
    );
    return parts.map((g, k) => tf.reshape(g, this.params[k].shape));
  }
}

/**
 * The augmented dynamics of the adjoint method (Chen et al. 2018, eq. 4 and appendix B):
 * dy/dt = f(t, y), da/dt = −aᵀ ∂f/∂y, da_θ/dt = −aᵀ ∂f/∂θ, on the packed state. One evaluation of
 * f and one first-order VJP per call; the cotangent is −a, so no negations of the results.
 */
export function augmentedDynamics(f: OdeFunc, layout: AugmentedLayout): OdeFunc {
  return (t: number, z: Tensor): Tensor => {
    const { fy, dy, dParams } = vjp(f, t, layout.y(z), layout.params, tf.neg(layout.a(z)));
    const parts = [tf.reshape(fy, [-1]), tf.reshape(dy, [-1]), ...dParams.map((g) => tf.reshape(g, [-1]))];
    return tf.concat(parts);
  };
}

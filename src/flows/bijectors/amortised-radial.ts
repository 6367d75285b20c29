import { type Tensor, tf } from '../../../solvers/tf.js';
import type { Bijector, ForwardResult, InverseResult } from '../bijector.js';
import { constVariable, normalVariable } from '../init.js';
import type { Mlp } from '../mlp.js';
import { solveMonotone } from '../scalar-solve.js';
import { type AmortisedOptions, amortisedParams, checkAmortisedContext } from './amortised-planar.js';

/**
 * Amortised radial flow (Rezende & Mohamed 2015): f(z) = z + β·(z − z₀)/(α + ‖z − z₀‖) with z₀,
 * α̃, β̃ produced per example from the context c: (z₀, α̃, β̃) = (z₀⁰, α̃⁰, β̃⁰) + g(c), α = softplus(α̃),
 * β = −α + softplus(β̃) (invertible, as {@link Radial}). `forward` is the closed form; `inverse`
 * solves for the radius per example, then one tracked Newton step (implicit gradient).
 */
export class AmortisedRadial implements Bijector {
  readonly name = 'amortisedRadial';
  readonly params: tf.Variable[];
  private readonly z00: tf.Variable;
  private readonly ab0: tf.Variable;
  private readonly net: Mlp;

  /**
   * An amortised radial layer whose parameters are a network of the context.
   *
   * @param dim Dimension D of the input `[B, D]`.
   * @param contextDim Width C of the context `[B, C]` it reads.
   * @param opts Network widths, seed and output scale; see {@link AmortisedOptions}.
   */
  constructor(
    /** Dimension D of the input `[B, D]`. */
    readonly dim: number,
    /** Width C of the context `[B, C]` it reads. */
    readonly contextDim: number,
    opts: AmortisedOptions = {},
  ) {
    const { base, net } = amortisedParams('AmortisedRadial', contextDim, dim + 2, opts, (s) => [
      normalVariable([1, dim], 0.5, s.seed(), 'arZ0'),
      constVariable([1, 2], 0, 'arAB'),
    ]);
    [this.z00, this.ab0] = base;
    this.net = net;
    this.params = [this.z00, this.ab0, ...this.net.params];
  }

  /**
   * Per-example z₀ `[B, D]`, α `[B, 1]` (> 0), β `[B, 1]` (> −α).
   *
   * @param context Context `[B, C]`.
   */
  coefficients(context: Tensor): {
    /** z₀ `[B, D]`. */
    z0: Tensor;
    /** α `[B, 1]`, > 0. */
    alpha: Tensor;
    /** β `[B, 1]`, > −α. */
    beta: Tensor;
  } {
    return tf.tidy(() => {
      const g = this.net.apply(context);
      const z0 = tf.add(this.z00, tf.slice(g, [0, 0], [-1, this.dim]));
      const ab = tf.add(this.ab0, tf.slice(g, [0, this.dim], [-1, 2]));
      const alpha = tf.softplus(tf.slice(ab, [0, 0], [-1, 1]));
      const beta = tf.sub(tf.softplus(tf.slice(ab, [0, 1], [-1, 1])), alpha);
      return { z0, alpha, beta };
    });
  }

  private logDetAt(r: Tensor, alpha: Tensor, beta: Tensor): Tensor {
    const h = tf.div(1, tf.add(alpha, r));
    const a = tf.log(tf.add(1, tf.mul(beta, h)));
    const b = tf.log(tf.add(1, tf.mul(tf.mul(beta, alpha), tf.square(h))));
    return tf.reshape(tf.add(tf.mul(a, this.dim - 1), b), [-1]);
  }

  forward(x: Tensor, context?: Tensor): ForwardResult {
    const c = checkAmortisedContext(this.name, this.contextDim, x, context);
    return tf.tidy(() => {
      const { z0, alpha, beta } = this.coefficients(c);
      const d = tf.sub(x, z0);
      const r = tf.sqrt(tf.add(tf.sum(tf.square(d), 1, true), 1e-12));
      const y = tf.add(x, tf.mul(tf.div(beta, tf.add(alpha, r)), d));
      return { y, logDet: this.logDetAt(r, alpha, beta) };
    });
  }

  inverse(y: Tensor, context?: Tensor): InverseResult {
    const c = checkAmortisedContext(this.name, this.contextDim, y, context);
    const [rho, al, be] = tf.tidy(() => {
      const { z0, alpha, beta } = this.coefficients(c);
      return [tf.sqrt(tf.add(tf.sum(tf.square(tf.sub(y, z0)), 1), 1e-12)), alpha, beta];
    });
    const rv = Float64Array.from(rho.dataSync());
    const av = Float64Array.from(al.dataSync());
    const bv = Float64Array.from(be.dataSync());
    tf.dispose([rho, al, be]);
    const roots = solveMonotone(
      (r, i) => ({
        value: r + (bv[i] * r) / (av[i] + r) - rv[i],
        slope: 1 + (bv[i] * av[i]) / ((av[i] + r) * (av[i] + r)),
      }),
      new Float64Array(rv.length),
      rv.map((v, i) => v + Math.abs(bv[i]) + 1e-6),
    );
    return tf.tidy(() => {
      const { z0, alpha, beta } = this.coefficients(c);
      const d = tf.sub(y, z0);
      const rhoT = tf.sqrt(tf.add(tf.sum(tf.square(d), 1, true), 1e-12));
      const r0 = tf.tensor2d(Float32Array.from(roots), [roots.length, 1]);
      const ar0 = tf.add(alpha, r0);
      const g = tf.sub(tf.add(r0, tf.div(tf.mul(beta, r0), ar0)), rhoT);
      const slope = tf.add(1, tf.div(tf.mul(beta, alpha), tf.square(ar0)));
      const r = tf.sub(r0, tf.div(g, slope));
      const x = tf.add(z0, tf.div(d, tf.add(1, tf.div(beta, tf.add(alpha, r)))));
      return { x, logDet: tf.neg(this.logDetAt(r, alpha, beta)) };
    });
  }
}

/**
 * An amortised radial layer on `[B, dim]` reading a context `[B, contextDim]`.
 *
 * @param dim Dimension D of the input `[B, D]`.
 * @param contextDim Width C of the context `[B, C]` it reads.
 * @param opts Network widths, seed and output scale; see {@link AmortisedOptions}.
 */
export function amortisedRadial(
  dim: number,
  contextDim: number,
  opts: AmortisedOptions = {},
): AmortisedRadial {
  return new AmortisedRadial(dim, contextDim, opts);
}

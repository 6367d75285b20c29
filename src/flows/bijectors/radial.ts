import { type Tensor, tf } from '../../../solvers/tf.js';
import { Rng } from '../../data/rng.js';
import type { Bijector, ForwardResult, InverseResult } from '../bijector.js';
import { constVariable, normalVariable } from '../init.js';
import { solveMonotone } from '../scalar-solve.js';

/**
 * Radial flow (Rezende & Mohamed 2015) in its closed-form direction:
 * f(z) = z + β·h(r)·(z − z₀), r = ‖z − z₀‖, h = 1/(α + r), with α = softplus(α̃) > 0 and
 * β = −α + softplus(β̃) > −α (invertibility). log|det| = (D−1)·log(1 + βh) + log(1 + βα/(α+r)²).
 *
 * `inverse` reduces f(z) = y to the radius: ρ = ‖y − z₀‖ = r·(1 + β/(α + r)), monotone in r,
 * solved on [0, ρ + |β|] by safeguarded Newton/bisection in float64, then z = z₀ + (y − z₀)/(1 + βh(r)).
 * One tracked Newton step at the root makes the inverse differentiable (implicit gradient).
 */
export class Radial implements Bijector {
  readonly name = 'radial';
  readonly params: tf.Variable[];
  /** The reference point z₀ `[1, dim]`. */
  readonly z0: tf.Variable;
  /** α before the softplus (α = softplus(alphaRaw) > 0). */
  readonly alphaRaw: tf.Variable;
  /** β before reparametrisation: β = softplus(betaRaw) − α > −α. */
  readonly betaRaw: tf.Variable;

  /**
   * A radial layer with random initial z₀ and β.
   *
   * @param dim Dimension D of the input `[B, D]`.
   * @param seed Seed of the initial z₀ and β. Default 0.
   * @param initStd Standard deviation of the initial z₀ and betaRaw (alphaRaw starts at 0). Default 0.5.
   */
  constructor(
    /** Dimension D of the input `[B, D]`. */
    readonly dim: number,
    seed = 0,
    initStd = 0.5,
  ) {
    const s = new Rng(seed);
    this.z0 = normalVariable([1, dim], initStd, s.seed(), 'radialZ0');
    this.alphaRaw = constVariable([], 0, 'radialAlpha');
    this.betaRaw = normalVariable([], initStd, s.seed(), 'radialBeta');
    this.params = [this.z0, this.alphaRaw, this.betaRaw];
  }

  private ab(): { alpha: Tensor; beta: Tensor } {
    const alpha = tf.softplus(this.alphaRaw);
    return { alpha, beta: tf.sub(tf.softplus(this.betaRaw), alpha) };
  }

  private logDetAt(r: Tensor, alpha: Tensor, beta: Tensor): Tensor {
    const h = tf.div(1, tf.add(alpha, r));
    const a = tf.log(tf.add(1, tf.mul(beta, h)));
    const b = tf.log(tf.add(1, tf.mul(tf.mul(beta, alpha), tf.square(h))));
    return tf.reshape(tf.add(tf.mul(a, this.dim - 1), b), [-1]);
  }

  forward(x: Tensor): ForwardResult {
    return tf.tidy(() => {
      const { alpha, beta } = this.ab();
      const d = tf.sub(x, this.z0);
      const r = tf.sqrt(tf.add(tf.sum(tf.square(d), 1, true), 1e-12));
      const y = tf.add(x, tf.mul(tf.div(beta, tf.add(alpha, r)), d));
      return { y, logDet: this.logDetAt(r, alpha, beta) };
    });
  }

  inverse(y: Tensor): InverseResult {
    const [rho, ab] = tf.tidy(() => {
      const { alpha, beta } = this.ab();
      const d = tf.sub(y, this.z0);
      return [tf.sqrt(tf.add(tf.sum(tf.square(d), 1), 1e-12)), tf.stack([alpha, beta])];
    });
    const rv = Float64Array.from(rho.dataSync());
    const [al, be] = ab.dataSync();
    rho.dispose();
    ab.dispose();
    const lo = new Float64Array(rv.length);
    const hi = rv.map((v) => v + Math.abs(be) + 1e-6);
    const roots = solveMonotone(
      (r, i) => ({ value: r + (be * r) / (al + r) - rv[i], slope: 1 + (be * al) / ((al + r) * (al + r)) }),
      lo,
      hi,
    );
    return tf.tidy(() => {
      const { alpha, beta } = this.ab();
      const d = tf.sub(y, this.z0);
      const rhoT = tf.sqrt(tf.add(tf.sum(tf.square(d), 1, true), 1e-12));
      const r0 = tf.tensor2d(Float32Array.from(roots), [roots.length, 1]);
      const ar0 = tf.add(alpha, r0);
      const g = tf.sub(tf.add(r0, tf.div(tf.mul(beta, r0), ar0)), rhoT);
      const slope = tf.add(1, tf.div(tf.mul(beta, alpha), tf.square(ar0)));
      const r = tf.sub(r0, tf.div(g, slope)); // one tracked Newton step: implicit gradient
      const scale = tf.add(1, tf.div(beta, tf.add(alpha, r)));
      const x = tf.add(this.z0, tf.div(d, scale));
      return { x, logDet: tf.neg(this.logDetAt(r, alpha, beta)) };
    });
  }
}

/**
 * A radial layer on `[B, dim]`.
 *
 * @param dim Dimension D.
 * @param seed Seed of the initial parameters. Default 0.
 */
export function radialLayer(dim: number, seed = 0): Radial {
  return new Radial(dim, seed);
}

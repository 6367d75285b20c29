import { type Tensor, tf } from '../../../solvers/tf.js';
import { Rng } from '../../data/rng.js';
import type { Bijector, ForwardResult, InverseResult } from '../bijector.js';
import { constVariable, normalVariable } from '../init.js';
import { solveMonotone } from '../scalar-solve.js';

const LOG_E_MINUS_1 = Math.log(Math.E - 1);

/**
 * Planar flow (Rezende & Mohamed 2015) in its closed-form direction:
 * f(z) = z + û·tanh(wᵀz + b), log|det ∂f/∂z| = log(1 + tanh'(wᵀz + b)·wᵀû).
 * Invertibility: û = u + (m(wᵀu) − wᵀu)·w/‖w‖² with m(a) = −1 + softplus(a + log(e − 1)), so
 * wᵀû = m(wᵀu) > −1 (the shift by log(e − 1) makes m(0) = 0, so û ≈ u for small wᵀu at init).
 *
 * `forward` is this closed form. `inverse` reduces f(z) = y to the scalar a = wᵀz + b, which
 * solves the monotone equation a + wᵀû·tanh(a) = wᵀy + b on [c − |wᵀû|, c + |wᵀû|]
 * (safeguarded Newton/bisection in float64), then z = y − û·tanh(a). The float64 root is followed
 * by one Newton step in tfjs ops, whose gradient at the root equals the implicit-function
 * gradient, so the inverse is differentiable (first order) in both y and the parameters.
 */
export class Planar implements Bijector {
  readonly name = 'planar';
  readonly params: tf.Variable[];
  /** w `[dim, 1]`, the projection direction. */
  readonly w: tf.Variable;
  /** u `[1, dim]`, the unconstrained update direction (û is derived from it). */
  readonly u: tf.Variable;
  /** b, the scalar bias. */
  readonly b: tf.Variable;

  /**
   * A planar layer with random initial w, u and zero b.
   *
   * @param dim Dimension D of the input `[B, D]`.
   * @param seed Seed of the initial w and u. Default 0.
   * @param initStd Standard deviation of the initial w and u (b starts at 0). Default 0.1.
   */
  constructor(
    /** Dimension D of the input `[B, D]`. */
    readonly dim: number,
    seed = 0,
    initStd = 0.1,
  ) {
    const s = new Rng(seed);
    this.w = normalVariable([dim, 1], initStd, s.seed(), 'planarW');
    this.u = normalVariable([1, dim], initStd, s.seed(), 'planarU');
    this.b = constVariable([], 0, 'planarB');
    this.params = [this.w, this.u, this.b];
  }

  /** û (`[1, D]`) satisfying wᵀû > −1. */
  uHat(): Tensor {
    return tf.tidy(() => {
      const wu = tf.sum(tf.mul(tf.reshape(this.w, [1, this.dim]), this.u));
      const m = tf.sub(tf.softplus(tf.add(wu, LOG_E_MINUS_1)), 1);
      const wNorm2 = tf.sum(tf.square(this.w));
      return tf.add(this.u, tf.mul(tf.div(tf.sub(m, wu), wNorm2), tf.reshape(this.w, [1, this.dim])));
    });
  }

  forward(x: Tensor): ForwardResult {
    return tf.tidy(() => {
      const uh = this.uHat();
      const a = tf.add(tf.matMul(x as tf.Tensor2D, this.w as tf.Tensor2D), this.b); // [B,1]
      const h = tf.tanh(a);
      const y = tf.add(x, tf.mul(h, uh));
      const wu = tf.sum(tf.mul(tf.reshape(this.w, [1, this.dim]), uh));
      const det = tf.add(1, tf.mul(tf.sub(1, tf.square(h)), wu));
      return { y, logDet: tf.reshape(tf.log(tf.abs(det)), [-1]) };
    });
  }

  inverse(y: Tensor): InverseResult {
    const { c, wu } = tf.tidy(() => {
      const uh = this.uHat();
      return {
        c: tf.add(tf.matMul(y as tf.Tensor2D, this.w as tf.Tensor2D), this.b),
        wu: tf.sum(tf.mul(tf.reshape(this.w, [1, this.dim]), uh)),
      };
    });
    const cv = Float64Array.from(c.dataSync());
    const k = wu.dataSync()[0];
    c.dispose();
    wu.dispose();
    const r = Math.abs(k) + 1e-6;
    const lo = cv.map((v) => v - r);
    const hi = cv.map((v) => v + r);
    const roots = solveMonotone(
      (a, i) => {
        const t = Math.tanh(a);
        return { value: a + k * t - cv[i], slope: 1 + k * (1 - t * t) };
      },
      lo,
      hi,
    );
    return tf.tidy(() => {
      const uh = this.uHat();
      const wuT = tf.sum(tf.mul(tf.reshape(this.w, [1, this.dim]), uh));
      const cT = tf.add(tf.matMul(y as tf.Tensor2D, this.w as tf.Tensor2D), this.b);
      const a0 = tf.tensor2d(Float32Array.from(roots), [roots.length, 1]);
      const t0 = tf.tanh(a0);
      const g = tf.sub(tf.add(a0, tf.mul(wuT, t0)), cT);
      const slope = tf.add(1, tf.mul(wuT, tf.sub(1, tf.square(t0))));
      const a = tf.sub(a0, tf.div(g, slope)); // one tracked Newton step: implicit gradient
      const h = tf.tanh(a);
      const x = tf.sub(y, tf.mul(h, uh));
      const det = tf.add(1, tf.mul(tf.sub(1, tf.square(h)), wuT));
      return { x, logDet: tf.reshape(tf.neg(tf.log(tf.abs(det))), [-1]) };
    });
  }
}

/**
 * A planar layer on `[B, dim]`.
 *
 * @param dim Dimension D.
 * @param seed Seed of the initial weights. Default 0.
 */
export function planarLayer(dim: number, seed = 0): Planar {
  return new Planar(dim, seed);
}

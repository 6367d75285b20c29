import { type Tensor, tf } from '../../../solvers/tf.js';
import { Rng } from '../../data/rng.js';
import type { Bijector, ForwardResult, InverseResult } from '../bijector.js';
import { constVariable, normalVariable } from '../init.js';
import { Mlp } from '../mlp.js';
import { solveMonotone } from '../scalar-solve.js';

const LOG_E_MINUS_1 = Math.log(Math.E - 1);

/** Options of {@link AmortisedPlanar} and {@link AmortisedRadial}. */
export interface AmortisedOptions {
  /** Hidden widths of the network c → parameters (ReLU). Default [] (an affine map of c). */
  readonly hidden?: readonly number[];
  /** Seed of the initial weights. Default 0. */
  readonly seed?: number;
  /** Scale of the network's last-layer initial weights (the context's initial influence). Default 0.01. */
  readonly outInitStd?: number;
}

/**
 * Throws unless `context` is `[B, contextDim]`.
 *
 * @param name Layer name, for the message.
 * @param contextDim Expected width C.
 * @param x The layer input `[B, …]` (its batch size is checked).
 * @param context The context given, if any.
 */
export function checkAmortisedContext(name: string, contextDim: number, x: Tensor, context?: Tensor): Tensor {
  if (context === undefined) throw new Error(`${name}: needs a context [B, ${contextDim}]; got none`);
  if (context.rank !== 2 || context.shape[0] !== x.shape[0] || context.shape[1] !== contextDim) {
    throw new Error(
      `${name}: context has shape [${context.shape.join(', ')}]; expected [${x.shape[0]}, ${contextDim}]`,
    );
  }
  return context;
}

/**
 * What the constructors of the amortised bijectors share: checks `contextDim`, draws the base
 * parameters from the seed stream (`base`, first), then the network c → `outDim` parameters
 * (ReLU hidden layers, last layer scaled by `outInitStd`) from the same stream.
 */
export function amortisedParams<B extends tf.Variable[]>(
  name: string,
  contextDim: number,
  outDim: number,
  opts: AmortisedOptions,
  base: (seeds: Rng) => B,
): { base: B; net: Mlp } {
  if (!(Number.isInteger(contextDim) && contextDim > 0)) {
    throw new Error(`${name}: contextDim = ${contextDim} is invalid: expected a whole number > 0`);
  }
  const s = new Rng(opts.seed ?? 0);
  const b = base(s);
  const net = new Mlp({
    inDim: contextDim,
    hidden: opts.hidden ?? [],
    outDim,
    seeds: s,
    outInitStd: opts.outInitStd ?? 0.01,
  });
  return { base: b, net };
}

/**
 * Amortised planar flow (Rezende & Mohamed 2015, §4 / the VAE's posterior flow): the planar map
 * f(z) = z + û·tanh(wᵀz + b) whose w, u, b are produced per example from the context c (an
 * encoder's output): (w, u, b) = (w₀, u₀, b₀) + g(c), g an MLP. û enforces wᵀû > −1 per example
 * (as in {@link Planar}), so every map is invertible. `forward` is the closed form; `inverse`
 * solves the scalar equation a + wᵀû·tanh(a) = wᵀy + b per example (float64 safeguarded Newton,
 * then one tracked Newton step, whose gradient is the implicit-function gradient).
 */
export class AmortisedPlanar implements Bijector {
  readonly name = 'amortisedPlanar';
  readonly params: tf.Variable[];
  private readonly w0: tf.Variable;
  private readonly u0: tf.Variable;
  private readonly b0: tf.Variable;
  private readonly net: Mlp;

  /**
   * An amortised planar layer whose parameters are a network of the context.
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
    const { base, net } = amortisedParams('AmortisedPlanar', contextDim, 2 * dim + 1, opts, (s) => [
      normalVariable([1, dim], 0.1, s.seed(), 'apW'),
      normalVariable([1, dim], 0.1, s.seed(), 'apU'),
      constVariable([1, 1], 0, 'apB'),
    ]);
    [this.w0, this.u0, this.b0] = base;
    this.net = net;
    this.params = [this.w0, this.u0, this.b0, ...this.net.params];
  }

  /**
   * Per-example w `[B, D]`, û `[B, D]`, b `[B, 1]` and wᵀû `[B, 1]` (> −1).
   *
   * @param context Context `[B, C]`.
   */
  coefficients(context: Tensor): {
    /** w `[B, D]`. */
    w: Tensor;
    /** û `[B, D]`. */
    uh: Tensor;
    /** b `[B, 1]`. */
    b: Tensor;
    /** wᵀû `[B, 1]`, > −1. */
    wu: Tensor;
  } {
    return tf.tidy(() => {
      const g = this.net.apply(context);
      const D = this.dim;
      const w = tf.add(this.w0, tf.slice(g, [0, 0], [-1, D]));
      const u = tf.add(this.u0, tf.slice(g, [0, D], [-1, D]));
      const b = tf.add(this.b0, tf.slice(g, [0, 2 * D], [-1, 1]));
      const wuRaw = tf.sum(tf.mul(w, u), 1, true);
      const m = tf.sub(tf.softplus(tf.add(wuRaw, LOG_E_MINUS_1)), 1);
      const uh = tf.add(u, tf.mul(tf.div(tf.sub(m, wuRaw), tf.sum(tf.square(w), 1, true)), w));
      return { w, uh, b, wu: m };
    });
  }

  forward(x: Tensor, context?: Tensor): ForwardResult {
    const c = checkAmortisedContext(this.name, this.contextDim, x, context);
    return tf.tidy(() => {
      const { w, uh, b, wu } = this.coefficients(c);
      const h = tf.tanh(tf.add(tf.sum(tf.mul(w, x), 1, true), b));
      const y = tf.add(x, tf.mul(h, uh));
      const det = tf.add(1, tf.mul(tf.sub(1, tf.square(h)), wu));
      return { y, logDet: tf.reshape(tf.log(tf.abs(det)), [-1]) };
    });
  }

  inverse(y: Tensor, context?: Tensor): InverseResult {
    const c = checkAmortisedContext(this.name, this.contextDim, y, context);
    const [cT, kT] = tf.tidy(() => {
      const { w, b, wu } = this.coefficients(c);
      return [tf.add(tf.sum(tf.mul(w, y), 1, true), b), wu];
    });
    const cv = Float64Array.from(cT.dataSync());
    const kv = Float64Array.from(kT.dataSync());
    tf.dispose([cT, kT]);
    const lo = cv.map((v, i) => v - Math.abs(kv[i]) - 1e-6);
    const hi = cv.map((v, i) => v + Math.abs(kv[i]) + 1e-6);
    const roots = solveMonotone(
      (a, i) => {
        const t = Math.tanh(a);
        return { value: a + kv[i] * t - cv[i], slope: 1 + kv[i] * (1 - t * t) };
      },
      lo,
      hi,
    );
    return tf.tidy(() => {
      const { w, uh, b, wu } = this.coefficients(c);
      const target = tf.add(tf.sum(tf.mul(w, y), 1, true), b);
      const a0 = tf.tensor2d(Float32Array.from(roots), [roots.length, 1]);
      const t0 = tf.tanh(a0);
      const g = tf.sub(tf.add(a0, tf.mul(wu, t0)), target);
      const slope = tf.add(1, tf.mul(wu, tf.sub(1, tf.square(t0))));
      const h = tf.tanh(tf.sub(a0, tf.div(g, slope)));
      const x = tf.sub(y, tf.mul(h, uh));
      const det = tf.add(1, tf.mul(tf.sub(1, tf.square(h)), wu));
      return { x, logDet: tf.reshape(tf.neg(tf.log(tf.abs(det))), [-1]) };
    });
  }
}

/**
 * An amortised planar layer on `[B, dim]` reading a context `[B, contextDim]`.
 *
 * @param dim Dimension D of the input `[B, D]`.
 * @param contextDim Width C of the context `[B, C]` it reads.
 * @param opts Network widths, seed and output scale; see {@link AmortisedOptions}.
 */
export function amortisedPlanar(
  dim: number,
  contextDim: number,
  opts: AmortisedOptions = {},
): AmortisedPlanar {
  return new AmortisedPlanar(dim, contextDim, opts);
}

import { adjointBackward } from './adjoint.js';
import { type AdjointOptions, resolveAdjointOptions } from './adjoint-options.js';
import { OdeOptionError } from './errors.js';
import { checkTimes } from './options.js';
import { runAsync } from './reads.js';
import { type Tensor, tf } from './tf.js';
import type { OdeFunc } from './types.js';

/** What {@link adjointGradAsync} returns. */
export interface AdjointGradients {
  /** ∂L/∂y0, shape of y0. */
  dy0: Tensor;
  /** ∂L/∂θ for each of `options.params` (default `f.params`), shaped like the parameter. */
  dParams: Tensor[];
}

/**
 * The adjoint method's backward pass without synchronous reads: given the forward solution `ys`
 * (shape `[ts.length, ...y0.shape]`, e.g. from {@link odeintAsync}) and the loss gradient
 * `dLdys = ∂L/∂ys` (same shape), solves the augmented system [y, a, a_θ] from ts[N−1] back to
 * ts[0] — the same solve, with the same steps and numbers, as the backward pass of
 * {@link odeintAdjoint} — reading its error norms with `await data()`. Takes the options of
 * {@link odeintAdjoint} (the backward solve's `adjointRtol`, `adjointAtol`, `adjointMethod`,
 * `adjointStepSize`, `adjointNorm`, `adjointFirstStep`, and `params`). The caller keeps `ys` and `dLdys`.
 *
 * @param f Right-hand side dy/dt = f(t, y).
 * @param ts The output times of the forward solve.
 * @param ys Forward solution at `ts`, shape `[ts.length, ...y0.shape]`.
 * @param dLdys ∂L/∂ys, same shape as `ys`.
 * @param options Adjoint options (tolerances, method, `params`); see {@link AdjointOptions}.
 *
 * @example
 * const ys = await odeintAsync(f, y0, ts);
 * const dLdys = tf.grad((v: tf.Tensor) => loss(v))(ys);
 * const { dy0, dParams } = await adjointGradAsync(f, ts, ys, dLdys, { params: f.params });
 */
export async function adjointGradAsync(
  f: OdeFunc,
  ts: readonly number[],
  ys: Tensor,
  dLdys: Tensor,
  options: AdjointOptions = {},
): Promise<AdjointGradients> {
  checkTimes(ts);
  const same = (a: readonly number[], b: readonly number[]) =>
    a.length === b.length && a.every((d, i) => d === b[i]);
  if (!(ys instanceof tf.Tensor) || ys.shape[0] !== ts.length) {
    throw new OdeOptionError(
      `adjointGradAsync: ys must be a tensor of shape [ts.length = ${ts.length}, ...]; got ${ys instanceof tf.Tensor ? `[${ys.shape.join(', ')}]` : String(ys)}`,
    );
  }
  if (!(dLdys instanceof tf.Tensor) || !same(dLdys.shape, ys.shape)) {
    throw new OdeOptionError(
      `adjointGradAsync: dLdys must have the shape of ys [${ys.shape.join(', ')}]; got ${dLdys instanceof tf.Tensor ? `[${dLdys.shape.join(', ')}]` : String(dLdys)}`,
    );
  }
  const y0 = tf.tidy(() => tf.reshape(tf.slice(ys, 0, 1), ys.shape.slice(1)));
  try {
    const r = resolveAdjointOptions(f, y0, options);
    const [dy0, ...dParams] = await runAsync(adjointBackward(f, [...ts], ys, dLdys, r));
    return { dy0, dParams };
  } finally {
    y0.dispose();
  }
}

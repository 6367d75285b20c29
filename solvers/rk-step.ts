import { addAll } from './add-all.js';
import type { ButcherTableau } from './tableau.js';
import { type Tensor, tf } from './tf.js';

/**
 * Name of an optional backend kernel computing y + Σ_j c_j k_j in one dispatch: inputs
 * {0: y, 1: k_1, …} (same shapes, float32), attribute `coef` (the c_j); the same float32
 * arithmetic as the ops it replaces (each c_j·k_j rounded, summed left to right from 0, then added
 * to y). A backend that registers it (src/wasm/rk-kernels.ts: wasm) saves the stage sums' small
 * kernels; elsewhere the ops run.
 */
export const WEIGHTED_SUM_KERNEL = 'OdeflowWeightedSum';

/**
 * Name of an optional backend kernel with the outputs c_j·dy for every c_j of attribute `coef`
 * (input {dy}, float32): the gradient of {@link WEIGHTED_SUM_KERNEL} with respect to the k_j.
 */
export const SCALED_COPIES_KERNEL = 'OdeflowScaledCopies';

/** Whether the current backend registers the stage-sum kernels. */
function hasFusedKernels(): boolean {
  const backend = tf.getBackend();
  return (
    tf.getKernel(WEIGHTED_SUM_KERNEL, backend) !== undefined &&
    tf.getKernel(SCALED_COPIES_KERNEL, backend) !== undefined
  );
}

/** A list of tensors as the engine's numbered input map. */
function numbered(list: readonly Tensor[]): tf.NamedTensorMap {
  const inputs: tf.NamedTensorMap = {};
  list.forEach((t, i) => {
    inputs[i] = t;
  });
  return inputs;
}

/** y + Σ_j c_j k_j by plain ops: one mul per term, {@link addAll}, one add. */
function weightedSumByOps(y: Tensor, coef: readonly number[], terms: readonly Tensor[]): Tensor {
  return tf.add(y, addAll(terms.map((k, i) => tf.mul(k, coef[i]))));
}

/**
 * y + Σ_j c_j k_j as one op with a hand-written first-order gradient (∂/∂y = dy, ∂/∂k_j = c_j·dy).
 * Autodiff of the same mul/addN/add records, per term, a Multiply that saves two tensors, and in
 * the backward pass a Multiply, a Cast, a Reshape and addN's Identity: about 5 kernels per term
 * more than this op's one Multiply per term, in every stage of every step of a solve under a tape.
 * Where the backend has the fused kernels ({@link WEIGHTED_SUM_KERNEL}) the forward is one kernel
 * and the backward two, with the same numbers.
 */
function weightedSum(y: Tensor, coef: readonly number[], ks: readonly Tensor[]): Tensor {
  const fused = y.dtype === 'float32' && hasFusedKernels();
  const op = tf.customGrad((...args: Array<Tensor | tf.GradSaveFunc>) => {
    const base = args[0] as Tensor;
    const terms = args.slice(1, 1 + coef.length) as Tensor[];
    const attrs = { coef: [...coef] };
    const value = fused
      ? (tf.engine().runKernel(WEIGHTED_SUM_KERNEL, numbered([base, ...terms]), attrs) as Tensor)
      : weightedSumByOps(base, coef, terms);
    const gradFunc = (dy: Tensor): Tensor[] => [
      tf.reshape(dy, base.shape),
      ...(fused
        ? (tf.engine().runKernel(SCALED_COPIES_KERNEL, { dy }, attrs) as Tensor[])
        : coef.map((c) => tf.mul(dy, c))),
    ];
    return { value, gradFunc };
  });
  return op(y, ...ks);
}

/** y + h Σ_j w_j k_j, skipping zero weights (one mul per nonzero weight, {@link addAll}, one add). */
export function combine(y: Tensor, h: number, w: readonly number[], ks: readonly Tensor[]): Tensor {
  const coef: number[] = [];
  const terms: Tensor[] = [];
  for (let j = 0; j < w.length && j < ks.length; j++) {
    if (w[j] !== 0) {
      coef.push(h * w[j]);
      terms.push(ks[j]);
    }
  }
  if (terms.length === 0) return tf.clone(y);
  // the custom op needs distinct inputs with y's shape (its gradient is y's shape); else plain ops
  const plain = terms.some((k, i) => k === y || terms.indexOf(k) !== i || !sameShape(k.shape, y.shape));
  return plain ? weightedSumByOps(y, coef, terms) : weightedSum(y, coef, terms);
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/**
 * The stages of one explicit Runge–Kutta step from (t, y) with step h. `k1` = f(t, y) may be
 * given (first-same-as-last reuse); otherwise it is evaluated. Returns the stages and y₁.
 */
export function rkStep(
  f: (t: number, y: Tensor) => Tensor,
  tab: ButcherTableau,
  t: number,
  y: Tensor,
  h: number,
  k1?: Tensor,
): { ks: Tensor[]; y1: Tensor } {
  const ks: Tensor[] = [k1 ?? f(t, y)];
  for (let i = 1; i < tab.c.length; i++) {
    ks.push(f(t + tab.c[i] * h, combine(y, h, tab.a[i], ks)));
  }
  return { ks, y1: combine(y, h, tab.b, ks) };
}

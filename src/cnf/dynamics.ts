import { type Tensor, tf } from '../../solvers/tf.js';
import type { OdeFunc } from '../../solvers/types.js';
import type { VectorField } from '../nn/mlp.js';

/** What the augmented state carries besides x and the log-det accumulator. */
export interface Regularizers {
  /** Integrate ‖f‖² (kinetic energy). */
  kinetic: boolean;
  /** Integrate ‖∂f/∂x‖²_F (exact with exact divergence; ‖Jε‖² with Hutchinson). */
  jacobian: boolean;
}

/** Column layout of the packed state [B, S] = [x (D), a, kinetic?, jacobian?]. */
export interface StateLayout {
  /** Data dimension D: columns 0 … D−1 hold x. */
  dim: number;
  /** Column of the accumulator a, da/dt = −div f. */
  logdet: number;
  /** Column of ∫‖f‖², or −1. */
  kinetic: number;
  /** Column of ∫‖J‖²_F, or −1. */
  jacobian: number;
  /** State width S. */
  width: number;
}

/**
 * The layout of the packed state for dimension `dim` and the given regularizers.
 *
 * @param dim Data dimension D.
 * @param regs Which regularizer integrals the state carries.
 */
export function stateLayout(dim: number, regs: Regularizers): StateLayout {
  let next = dim + 1;
  const kinetic = regs.kinetic ? next++ : -1;
  const jacobian = regs.jacobian ? next++ : -1;
  return { dim, logdet: dim, kinetic, jacobian, width: next };
}

/** [D, S] matrix: the identity into columns 0..D−1 (col < 0) or all ones into column `col`. */
function placer(layout: StateLayout, col: number): Tensor {
  const d = layout.dim;
  const m = new Float32Array(d * layout.width);
  for (let i = 0; i < d; i++) m[i * layout.width + (col < 0 ? i : col)] = 1;
  return tf.tensor2d(m, [d, layout.width]);
}

/**
 * The augmented dynamics of a CNF on one packed tensor y = [x, a, r…] of shape [B, S]:
 * dx/dt = f(t, x), da/dt = −div f (exact: trace of J over all D unit tangents; Hutchinson:
 * εᵀJε with the fixed probe `eps` [B, D]), and the regularizer rates (a `context` [B, C] reaches
 * the field as f(t, x, c)), ‖f‖², ‖J‖²_F. No slice or
 * concat: the field ignores the extra input columns (zero weight rows), and the output columns
 * are placed by small matMuls with constant [D, S] matrices. Every derivative is forward-mode
 * (tangent propagation), so first-order autodiff of a solve through these dynamics is exact.
 *
 * The constants it makes (listed in `constants`) live in the caller's scope: a gradient may need
 * them after that scope ends (the adjoint's backward pass evaluates F later), so a caller that
 * leaves the scope before the gradient runs must keep them (tf.keep) and dispose them afterwards.
 *
 * @param field The vector field f(t, x, c).
 * @param layout Column layout of the packed state.
 * @param eps Hutchinson probe `[B, D]`, or null for the exact divergence.
 * @param context Context `[B, C]` the field reads, or absent.
 */
export function augmentedDynamics(
  field: VectorField,
  layout: StateLayout,
  eps: Tensor | null,
  context?: Tensor,
): {
  /** Dynamics of the packed state [x, log-det, regularizers]. */
  F: OdeFunc;
  /** Constant tensors made for F; see above for who disposes them. */
  constants: Tensor[];
} {
  const d = layout.dim;
  const pad = layout.width - d;
  const tangents = eps === null ? 'identity' : tf.expandDims(eps, 0);
  // −V0: −e_k (broadcast over the batch) or −ε, so that Σ_k Σ_i (−V0)[k,b,i]·(J V0)[k,b,i] = −div
  const negProbe = eps === null ? tf.reshape(tf.neg(tf.eye(d)), [d, 1, d]) : tf.neg(tangents as Tensor);
  const toX = placer(layout, -1);
  const toLogdet = placer(layout, layout.logdet);
  const toKinetic = layout.kinetic >= 0 ? placer(layout, layout.kinetic) : null;
  const toJacobian = layout.jacobian >= 0 ? placer(layout, layout.jacobian) : null;
  const constants = [
    negProbe,
    toX,
    toLogdet,
    ...(toKinetic ? [toKinetic] : []),
    ...(toJacobian ? [toJacobian] : []),
  ];
  if (tangents !== 'identity') constants.push(tangents);
  const F = (t: number, y: Tensor): Tensor => {
    const { f, jv } = field.jvp(t, y, tangents, { inputPad: pad, context });
    let out = tf.add(tf.matMul(f, toX), tf.matMul(tf.sum(tf.mul(jv, negProbe), 0), toLogdet));
    if (toKinetic) out = tf.add(out, tf.matMul(tf.square(f), toKinetic));
    if (toJacobian) out = tf.add(out, tf.matMul(tf.sum(tf.square(jv), 0), toJacobian));
    return out;
  };
  return { F, constants };
}

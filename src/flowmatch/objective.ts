import { type Tensor, tf } from '../../solvers/tf.js';
import { randomNormal } from '../core/random.js';
import type { MlpField } from '../nn/mlp.js';
import { canRegress, mlpRegressionStep, type RegressionStep } from '../nn/mlp-step.js';
import { type CouplingKind, couple } from './coupling.js';
import { gaussianPath } from './paths.js';

/**
 * Flow-matching objectives (all regress the same field on conditional velocities):
 * - `cfm`: independent coupling, Gaussian paths of width σ (I-CFM, Tong et al. 2024);
 * - `ot-cfm`: minibatch optimal-transport coupling (exact assignment, or Sinkhorn);
 * - `rectified`: rectified flow (Liu et al. 2023): σ = 0, independent coupling, or the fixed
 *   pairs of a reflow.
 */
export type FlowMatchingObjective = 'cfm' | 'ot-cfm' | 'rectified';

/** The objectives {@link FlowMatchingModel} accepts. */
export const OBJECTIVES: readonly FlowMatchingObjective[] = ['cfm', 'ot-cfm', 'rectified'];

/** The objective used when none is given. */
export const DEFAULT_OBJECTIVE: FlowMatchingObjective = 'ot-cfm';

/** Settings of the regression loss. */
export interface ObjectiveSettings {
  /** The objective: `cfm`, `ot-cfm` (minibatch OT pairs) or `rectified`. */
  objective: FlowMatchingObjective;
  /** Width σ of the Gaussian paths (0 for rectified flow). */
  sigma: number;
  /** OT coupling of `ot-cfm`: exact (Jonker–Volgenant, batches ≤ 1024) or Sinkhorn. */
  coupling: Exclude<CouplingKind, 'independent'>;
  /** Sinkhorn regularisation, relative to the mean cost. */
  reg: number;
}

/** One batch of the regression: per-example times, points on the paths and their target velocities. */
export interface RegressionBatch {
  /** Times `[B, 1]`, t ~ U[0, 1]. */
  t: Tensor;
  /** Points x_t on the paths `[B, D]`. */
  xt: Tensor;
  /** Conditional velocities u_t `[B, D]` (the regression targets). */
  ut: Tensor;
}

/**
 * The draws of one flow-matching batch: couples x0 and x1 (minibatch OT for `ot-cfm` unless
 * `paired`), draws t ~ U[0, 1] per example and ε, and places x_t on the Gaussian path.
 *
 * @param x0 Source points `[B, D]`.
 * @param x1 Data points `[B, D]`.
 * @param s Objective, σ and coupling settings.
 * @param seed Seed of t, ε and the Sinkhorn draw.
 * @param paired The pairs are fixed (reflow): skip the OT coupling. Default false.
 */
export function regressionBatch(
  x0: Tensor,
  x1: Tensor,
  s: ObjectiveSettings,
  seed: number,
  paired = false,
): RegressionBatch {
  return tf.tidy(() => {
    const n = x1.shape[0];
    const [a, b] =
      s.objective === 'ot-cfm' && !paired ? couple(x0, x1, s.coupling, { reg: s.reg, seed }) : [x0, x1];
    const t = tf.randomUniform([n, 1], 0, 1, 'float32', seed);
    const eps = s.sigma > 0 ? randomNormal(a.shape, 0, 1, seed + 1) : undefined;
    const { xt, ut } = gaussianPath(a, b, t, s.sigma, eps);
    return { t, xt, ut };
  });
}

/**
 * The conditional flow-matching loss on a batch of pairs: E_t ‖v(t, x_t) − u_t‖², with
 * t ~ U[0, 1] per example, x_t on the Gaussian path from x0 (source) to x1 (data), u_t its
 * conditional velocity. Returns a scalar (mean over the batch of the squared error summed over
 * dimensions). `seed` makes t, ε and Sinkhorn draws reproducible.
 *
 * @param field The velocity field v(t, x) being trained.
 * @param x0 Source points `[B, D]`.
 * @param x1 Data points `[B, D]`.
 * @param s Objective, σ and coupling settings.
 * @param seed Seed of t, ε and the Sinkhorn draw.
 * @param paired The pairs are fixed (reflow): skip the OT coupling. Default false.
 */
export function flowMatchingLoss(
  field: MlpField,
  x0: Tensor,
  x1: Tensor,
  s: ObjectiveSettings,
  seed: number,
  paired = false,
): Tensor {
  return tf.tidy(() => {
    const { t, xt, ut } = regressionBatch(x0, x1, s, seed, paired);
    const v = field(t, xt);
    return tf.mean(tf.sum(tf.square(tf.sub(v, ut)), 1));
  });
}

/**
 * {@link flowMatchingLoss} and its gradients with respect to `field.params` (in that order), by
 * the field's hand-written backward pass ({@link mlpRegressionStep}); the same draws, the same
 * loss. Undefined for a field that pass cannot run (then use autodiff of the loss).
 *
 * @param field The velocity field v(t, x) being trained.
 * @param x0 Source points `[B, D]`.
 * @param x1 Data points `[B, D]`.
 * @param s Objective, σ and coupling settings.
 * @param seed Seed of t, ε and the Sinkhorn draw.
 * @param paired The pairs are fixed (reflow): skip the OT coupling. Default false.
 */
export function flowMatchingLossAndGrads(
  field: MlpField,
  x0: Tensor,
  x1: Tensor,
  s: ObjectiveSettings,
  seed: number,
  paired = false,
): RegressionStep | undefined {
  if (!canRegress(field)) return undefined;
  const { t, xt, ut } = regressionBatch(x0, x1, s, seed, paired);
  try {
    return mlpRegressionStep(field, t, xt, ut);
  } finally {
    tf.dispose([t, xt, ut]);
  }
}

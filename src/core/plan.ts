import { type Tensor, tf } from '../../solvers/tf.js';
import { extrasTensors } from './extras.js';
import type { Bijector, PassMode, PassPlan } from './transform.js';

/**
 * The plan of a composite bijector (a chain, a multi-scale stack): one plan per layer, in layer
 * order, `undefined` for a layer whose training pass reads nothing.
 */
export class PlanList implements PassPlan {
  /**
   * A composite's plan.
   *
   * @param owner The composite that made it (a plan replays only there).
   * @param plans One plan per layer (undefined where the layer needs none).
   */
  constructor(
    /** The composite that made it. */
    readonly owner: Bijector,
    /** One plan per layer (undefined where the layer needs none). */
    readonly plans: readonly (PassPlan | undefined)[],
  ) {}

  /** Frees every layer's plan. */
  dispose(): void {
    for (const p of this.plans) p?.dispose();
  }
}

/**
 * Phase one of a read-free training pass for one layer of a composite: the layer's own
 * `planAsync`, or, for a layer without one (its training pass reads nothing), its training
 * `forward`, whose image is all the next layer needs. Returns the image (owned by the caller).
 *
 * @param b The layer.
 * @param x Its input.
 * @param context Per-example context `[B, C]`, or absent.
 */
export async function planLayer(
  b: Bijector,
  x: Tensor,
  context?: Tensor,
): Promise<{ y: Tensor; plan?: PassPlan }> {
  if (b.planAsync) return b.planAsync(x, context);
  const r = b.forward(x, context, { training: true });
  tf.dispose([r.logDet, ...extrasTensors(r.extras)].filter((t) => t !== r.y && t !== x));
  return { y: r.y };
}

/**
 * The pass mode for layer `i` of composite `owner`: unchanged without a plan; with one (a
 * {@link PlanList} `owner` made), the layer's own plan.
 *
 * @param owner The composite whose layer runs.
 * @param mode The composite's pass mode.
 * @param i The layer's index.
 */
export function layerMode(owner: Bijector, mode: PassMode | undefined, i: number): PassMode | undefined {
  if (mode?.plan === undefined) return mode;
  if (!(mode.plan instanceof PlanList) || mode.plan.owner !== owner) {
    throw new Error(
      `${owner.name}: this plan was not made by this bijector (use the plan its planAsync returned)`,
    );
  }
  return { training: mode.training, plan: mode.plan.plans[i] };
}

/**
 * Phase one of a read-free training pass that runs layer `b` in its inverse direction: its own
 * `planInverseAsync`, or its `inverse` (which then reads nothing). Returns the preimage (owned by the caller).
 *
 * @param b The layer.
 * @param y Its input (latent side).
 * @param context Per-example context `[B, C]`, or absent.
 */
export async function planInverseLayer(
  b: Bijector,
  y: Tensor,
  context?: Tensor,
): Promise<{ x: Tensor; plan?: PassPlan }> {
  if (b.planInverseAsync) return b.planInverseAsync(y, context);
  const r = b.inverse(y, context, { training: true });
  tf.dispose([r.logDet, ...extrasTensors(r.extras)].filter((t) => t !== r.x && t !== y));
  return { x: r.x };
}

/** A plan that is a few numbers read from the device (e.g. the inputs of a layer's root solve). */
export class NumbersPlan implements PassPlan {
  /**
   * A plan of numbers.
   *
   * @param owner The layer that made it (a plan replays only there).
   * @param numbers The values read, as the layer lays them out.
   */
  constructor(
    /** The layer that made it. */
    readonly owner: Bijector,
    /** The values read, as the layer lays them out. */
    readonly numbers: readonly Float64Array[],
  ) {}

  /** Nothing to free (numbers only). */
  dispose(): void {}
}

/**
 * The numbers of a {@link NumbersPlan} that `owner` made, from a pass mode; undefined without a plan.
 *
 * @param owner The layer replaying.
 * @param mode Its pass mode.
 */
export function planNumbers(
  owner: Bijector,
  mode: PassMode | undefined,
): readonly Float64Array[] | undefined {
  if (mode?.plan === undefined) return undefined;
  if (!(mode.plan instanceof NumbersPlan) || mode.plan.owner !== owner) {
    throw new Error(
      `${owner.name}: this plan was not made by this layer (use the plan its planInverseAsync returned)`,
    );
  }
  return mode.plan.numbers;
}

import { type Tensor, tf } from '../../solvers/tf.js';
import { extrasTensors, sumExtras } from './extras.js';
import { layerMode, PlanList, planInverseLayer, planLayer } from './plan.js';
import type {
  Bijector,
  Extras,
  ForwardResult,
  InverseResult,
  PassMode,
  PassPlan,
  PlannedForward,
  PlannedInverse,
} from './transform.js';

/**
 * Composition of bijectors — discrete layers and CNF blocks alike: `forward` applies them first
 * to last, `inverse` last to first; log-dets add, and the layers' {@link Extras} are summed.
 * The context reaches every layer unchanged.
 */
export class Chain implements Bijector {
  readonly name: string;
  readonly params: readonly tf.Variable[];

  /**
   * A chain of `bijectors`, applied first to last in the forward direction.
   *
   * @param bijectors The layers, in forward order.
   */
  constructor(
    /** The layers, in forward order. */
    readonly bijectors: readonly Bijector[],
  ) {
    if (bijectors.length === 0) throw new Error('chain([...]) needs at least one bijector; got none');
    this.name = `chain(${bijectors.map((b) => b.name).join(', ')})`;
    this.params = [...new Set(bijectors.flatMap((b) => b.params))];
  }

  forward(x: Tensor, context?: Tensor, mode?: PassMode): ForwardResult {
    return tf.tidy(() => {
      let acc: Acc = { h: x, logDet: null, extras: undefined };
      this.bijectors.forEach((b, i) => {
        acc = step(acc, b.forward(acc.h, context, layerMode(this, mode, i)), 'y');
      });
      return { y: acc.h, logDet: total(acc), extras: acc.extras };
    });
  }

  /**
   * Phase one of a read-free training pass: each layer's plan in turn (see {@link Bijector.planAsync}).
   *
   * @param x Input batch `[B, ...]` (data side).
   * @param context Per-example context `[B, C]`, or absent.
   */
  async planAsync(x: Tensor, context?: Tensor): Promise<PlannedForward> {
    const plans: (PassPlan | undefined)[] = [];
    let h = x;
    try {
      for (const b of this.bijectors) {
        const r = await planLayer(b, h, context);
        if (h !== x && r.y !== h) h.dispose();
        h = r.y;
        plans.push(r.plan);
      }
    } catch (err) {
      if (h !== x) h.dispose();
      for (const p of plans) p?.dispose();
      throw err;
    }
    return { y: h, plan: new PlanList(this, plans) };
  }

  /**
   * {@link planAsync} for the inverse direction: each layer's inverse plan, last to first.
   *
   * @param y Input batch `[B, ...]` (latent side).
   * @param context Per-example context `[B, C]`, or absent.
   */
  async planInverseAsync(y: Tensor, context?: Tensor): Promise<PlannedInverse> {
    const plans: (PassPlan | undefined)[] = new Array(this.bijectors.length).fill(undefined);
    let h = y;
    try {
      for (let i = this.bijectors.length - 1; i >= 0; i--) {
        const r = await planInverseLayer(this.bijectors[i], h, context);
        if (h !== y && r.x !== h) h.dispose();
        h = r.x;
        plans[i] = r.plan;
      }
    } catch (err) {
      if (h !== y) h.dispose();
      for (const p of plans) p?.dispose();
      throw err;
    }
    return { x: h, plan: new PlanList(this, plans) };
  }

  inverse(y: Tensor, context?: Tensor, mode?: PassMode): InverseResult {
    return tf.tidy(() => {
      let acc: Acc = { h: y, logDet: null, extras: undefined };
      for (let i = this.bijectors.length - 1; i >= 0; i--) {
        acc = step(acc, this.bijectors[i].inverse(acc.h, context, layerMode(this, mode, i)), 'x');
      }
      return { x: acc.h, logDet: total(acc), extras: acc.extras };
    });
  }

  async forwardAsync(x: Tensor, context?: Tensor, mode?: PassMode): Promise<ForwardResult> {
    let acc: Acc = { h: x, logDet: null, extras: undefined };
    for (const b of this.bijectors) {
      const r = b.forwardAsync ? await b.forwardAsync(acc.h, context, mode) : b.forward(acc.h, context, mode);
      acc = stepOwned(acc, x, { h: r.y, logDet: r.logDet, extras: r.extras });
    }
    return { y: acc.h, logDet: total(acc), extras: acc.extras };
  }

  async inverseAsync(y: Tensor, context?: Tensor, mode?: PassMode): Promise<InverseResult> {
    let acc: Acc = { h: y, logDet: null, extras: undefined };
    for (let i = this.bijectors.length - 1; i >= 0; i--) {
      const b = this.bijectors[i];
      const r = b.inverseAsync ? await b.inverseAsync(acc.h, context, mode) : b.inverse(acc.h, context, mode);
      acc = stepOwned(acc, y, { h: r.x, logDet: r.logDet, extras: r.extras });
    }
    return { x: acc.h, logDet: total(acc), extras: acc.extras };
  }
}

interface Acc {
  h: Tensor;
  logDet: Tensor | null;
  extras: Extras | undefined;
}

function step(acc: Acc, r: ForwardResult | InverseResult, key: 'x' | 'y'): Acc {
  const h = key === 'y' ? (r as ForwardResult).y : (r as InverseResult).x;
  return {
    h,
    logDet: acc.logDet === null ? r.logDet : tf.add(acc.logDet, r.logDet),
    extras: sumExtras(acc.extras, r.extras),
  };
}

function total(acc: Acc): Tensor {
  return acc.logDet ?? tf.zeros([acc.h.shape[0]]);
}

/**
 * One async step outside a tidy scope (an await cannot sit inside one): the sums are made, then
 * the previous partial results are disposed (never the chain's own input).
 */
function stepOwned(acc: Acc, input: Tensor, r: { h: Tensor; logDet: Tensor; extras?: Extras }): Acc {
  const next: Acc = {
    h: r.h,
    logDet: acc.logDet === null ? r.logDet : tf.add(acc.logDet, r.logDet),
    extras: sumExtras(acc.extras, r.extras),
  };
  const keep = new Set([next.h, next.logDet, ...extrasTensors(next.extras), input]);
  const old = [acc.h, acc.logDet, r.logDet, ...extrasTensors(acc.extras), ...extrasTensors(r.extras)];
  for (const t of old) if (t && !keep.has(t)) t.dispose();
  return next;
}

/**
 * Composes bijectors; `chain([a, b]).forward(x) = b.forward(a.forward(x))`.
 *
 * @param bijectors The layers, in forward order.
 */
export function chain(bijectors: readonly Bijector[]): Chain {
  return new Chain(bijectors);
}

/** Swaps the two directions of a bijector (e.g. to use a closed-form generative map for sampling). */
export class Invert implements Bijector {
  readonly name: string;
  readonly params: readonly tf.Variable[];
  /**
   * `inner` with its directions swapped.
   *
   * @param inner The bijector to invert.
   */
  constructor(
    /** The bijector to invert. */
    readonly inner: Bijector,
  ) {
    this.name = `invert(${inner.name})`;
    this.params = inner.params;
  }
  forward(x: Tensor, context?: Tensor, mode?: PassMode): ForwardResult {
    const r = this.inner.inverse(x, context, innerMode(mode));
    return { y: r.x, logDet: r.logDet, extras: r.extras };
  }
  inverse(y: Tensor, context?: Tensor, mode?: PassMode): InverseResult {
    const r = this.inner.forward(y, context, innerMode(mode));
    return { x: r.y, logDet: r.logDet, extras: r.extras };
  }
  async forwardAsync(x: Tensor, context?: Tensor, mode?: PassMode): Promise<ForwardResult> {
    const r = this.inner.inverseAsync
      ? await this.inner.inverseAsync(x, context, mode)
      : this.inner.inverse(x, context, mode);
    return { y: r.x, logDet: r.logDet, extras: r.extras };
  }
  async inverseAsync(y: Tensor, context?: Tensor, mode?: PassMode): Promise<InverseResult> {
    const r = this.inner.forwardAsync
      ? await this.inner.forwardAsync(y, context, mode)
      : this.inner.forward(y, context, mode);
    return { x: r.y, logDet: r.logDet, extras: r.extras };
  }
  /**
   * The inner bijector's inverse plan (the inner layer checks it on replay).
   *
   * @param x Input batch (data side of the inverted map).
   * @param context Per-example context `[B, C]`, or absent.
   */
  async planAsync(x: Tensor, context?: Tensor): Promise<PlannedForward> {
    const r = await planInverseLayer(this.inner, x, context);
    return { y: r.x, plan: r.plan ?? NO_PLAN };
  }
  /**
   * The inner bijector's forward plan.
   *
   * @param y Input batch (latent side of the inverted map).
   * @param context Per-example context `[B, C]`, or absent.
   */
  async planInverseAsync(y: Tensor, context?: Tensor): Promise<PlannedInverse> {
    const r = await planLayer(this.inner, y, context);
    return { x: r.y, plan: r.plan ?? NO_PLAN };
  }
}

/** The plan of an inverted layer whose inner layer needed none. */
const NO_PLAN: PassPlan = { dispose: () => {} };

/** The inner layer's mode: without {@link NO_PLAN}. */
function innerMode(mode: PassMode | undefined): PassMode | undefined {
  return mode?.plan === NO_PLAN ? { training: mode.training } : mode;
}

/**
 * `invert(b)`: `b` with forward and inverse swapped.
 *
 * @param b The bijector to invert.
 */
export function invert(b: Bijector): Invert {
  return new Invert(b);
}

import { type Tensor, tf } from '../../solvers/tf.js';
import { extrasTensors, sumExtras } from './extras.js';
import type { Bijector, Extras, ForwardResult, InverseResult, PassMode } from './transform.js';

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
      for (const b of this.bijectors) acc = step(acc, b.forward(acc.h, context, mode), 'y');
      return { y: acc.h, logDet: total(acc), extras: acc.extras };
    });
  }

  inverse(y: Tensor, context?: Tensor, mode?: PassMode): InverseResult {
    return tf.tidy(() => {
      let acc: Acc = { h: y, logDet: null, extras: undefined };
      for (let i = this.bijectors.length - 1; i >= 0; i--) {
        acc = step(acc, this.bijectors[i].inverse(acc.h, context, mode), 'x');
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
    const r = this.inner.inverse(x, context, mode);
    return { y: r.x, logDet: r.logDet, extras: r.extras };
  }
  inverse(y: Tensor, context?: Tensor, mode?: PassMode): InverseResult {
    const r = this.inner.forward(y, context, mode);
    return { x: r.y, logDet: r.logDet, extras: r.extras };
  }
}

/**
 * `invert(b)`: `b` with forward and inverse swapped.
 *
 * @param b The bijector to invert.
 */
export function invert(b: Bijector): Invert {
  return new Invert(b);
}

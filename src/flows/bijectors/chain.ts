import { type Tensor, tf } from '../../../solvers/tf.js';
import type { Bijector, ForwardResult, InverseResult } from '../bijector.js';

/** Composition of bijectors: `forward` applies them first to last, `inverse` last to first. */
export class Chain implements Bijector {
  readonly name: string;
  readonly params: readonly tf.Variable[];

  constructor(readonly bijectors: readonly Bijector[]) {
    if (bijectors.length === 0) throw new Error('chain([...]) needs at least one bijector; got none');
    this.name = `chain(${bijectors.map((b) => b.name).join(', ')})`;
    this.params = bijectors.flatMap((b) => b.params);
  }

  forward(x: Tensor): ForwardResult {
    return tf.tidy(() => {
      let h = x;
      let logDet: Tensor | null = null;
      for (const b of this.bijectors) {
        const r = b.forward(h);
        h = r.y;
        logDet = logDet === null ? r.logDet : tf.add(logDet, r.logDet);
      }
      return { y: h, logDet: logDet as Tensor };
    });
  }

  inverse(y: Tensor): InverseResult {
    return tf.tidy(() => {
      let h = y;
      let logDet: Tensor | null = null;
      for (let i = this.bijectors.length - 1; i >= 0; i--) {
        const r = this.bijectors[i].inverse(h);
        h = r.x;
        logDet = logDet === null ? r.logDet : tf.add(logDet, r.logDet);
      }
      return { x: h, logDet: logDet as Tensor };
    });
  }
}

/** Composes bijectors; `chain([a, b]).forward(x) = b.forward(a.forward(x))`. */
export function chain(bijectors: readonly Bijector[]): Chain {
  return new Chain(bijectors);
}

/** Swaps the two directions of a bijector (e.g. to use a closed-form generative map for sampling). */
export class Invert implements Bijector {
  readonly name: string;
  readonly params: readonly tf.Variable[];
  constructor(readonly inner: Bijector) {
    this.name = `invert(${inner.name})`;
    this.params = inner.params;
  }
  forward(x: Tensor): ForwardResult {
    const r = this.inner.inverse(x);
    return { y: r.x, logDet: r.logDet };
  }
  inverse(y: Tensor): InverseResult {
    const r = this.inner.forward(y);
    return { x: r.y, logDet: r.logDet };
  }
}

/** `invert(b)`: `b` with forward and inverse swapped. */
export function invert(b: Bijector): Invert {
  return new Invert(b);
}

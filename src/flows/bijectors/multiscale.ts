import { type Tensor, tf } from '../../../solvers/tf.js';
import { addOwned, sumExtras } from '../../core/extras.js';
import { layerMode, PlanList, planLayer } from '../../core/plan.js';
import type { Extras, PassPlan, PlannedForward } from '../../core/transform.js';
import type { Bijector, ForwardResult, InverseResult, PassMode } from '../bijector.js';

/**
 * Multi-scale architecture (RealNVP §3.6): `levels[i]` acts on the current tensor
 * `[B, H_i, W_i, C_i]`; after every level but the last, half of the channels are factored out
 * (sent straight to the standard-normal prior) and the other half continue. The output is every
 * factored-out part and the final tensor, flattened and concatenated: `[B, D]`.
 * Each level is expected to change the shape only by squeezing; `shapes[i]` is the shape a level
 * outputs (needed to rebuild the tensors in `inverse`).
 */
export class MultiScale implements Bijector {
  readonly name = 'multiScale';
  readonly params: tf.Variable[];

  /**
   * A multi-scale bijector over the given levels.
   *
   * @param levels The per-level bijectors, in forward order.
   * @param shapes Per-level output shape `[H, W, C]`.
   */
  constructor(
    /** The per-level bijectors, in forward order. */
    readonly levels: readonly Bijector[],
    /** Per-level output shape `[H, W, C]`. */
    readonly shapes: readonly (readonly [number, number, number])[],
  ) {
    if (levels.length !== shapes.length) throw new Error('multiScale: one output shape per level is needed');
    this.params = levels.flatMap((l) => l.params);
  }

  forward(x: Tensor, context?: Tensor, mode?: PassMode): ForwardResult {
    return tf.tidy(() => {
      const b = x.shape[0];
      const parts: Tensor[] = [];
      let h = x;
      let logDet: Tensor = tf.zeros([b]);
      let extras: Extras | undefined;
      this.levels.forEach((level, i) => {
        const r = level.forward(h, context, layerMode(this, mode, i));
        logDet = tf.add(logDet, r.logDet);
        extras = sumExtras(extras, r.extras);
        if (i + 1 < this.levels.length) {
          const c = r.y.shape[3] as number;
          const [out, keep] = tf.split(r.y, [c / 2, c / 2], 3);
          parts.push(tf.reshape(out, [b, -1]));
          h = keep;
        } else {
          parts.push(tf.reshape(r.y, [b, -1]));
        }
      });
      return { y: tf.concat(parts, 1), logDet, extras };
    });
  }

  /**
   * Phase one of a read-free training pass: each level's plan in turn (see {@link Bijector.planAsync}).
   *
   * @param x Input `[B, H, W, C]`.
   * @param context Per-example context `[B, C]`, or absent.
   */
  async planAsync(x: Tensor, context?: Tensor): Promise<PlannedForward> {
    const plans: (PassPlan | undefined)[] = [];
    const parts: Tensor[] = [];
    let h = x;
    try {
      for (let i = 0; i < this.levels.length; i++) {
        const r = await planLayer(this.levels[i], h, context);
        plans.push(r.plan);
        if (h !== x && r.y !== h) h.dispose();
        const [part, next] = this.splitLevel(r.y, i);
        parts.push(part);
        if (next !== r.y) r.y.dispose();
        h = next;
      }
      const y = tf.concat(parts, 1);
      return { y, plan: new PlanList(this, plans) };
    } catch (err) {
      for (const p of plans) p?.dispose();
      throw err;
    } finally {
      if (h !== x) h.dispose();
      tf.dispose(parts);
    }
  }

  /**
   * {@link forward} with each level's async forward pass (levels that have one await their reads).
   *
   * @param x Input `[B, H, W, C]`.
   * @param context Per-example context `[B, C]`, or absent.
   * @param mode Evaluation or training (training passes that must not read use {@link planAsync}).
   */
  async forwardAsync(x: Tensor, context?: Tensor, mode?: PassMode): Promise<ForwardResult> {
    const b = x.shape[0];
    const parts: Tensor[] = [];
    let h = x;
    let logDet: Tensor = tf.zeros([b]);
    let extras: Extras | undefined;
    try {
      for (let i = 0; i < this.levels.length; i++) {
        const level = this.levels[i];
        const r = level.forwardAsync
          ? await level.forwardAsync(h, context, mode)
          : level.forward(h, context, mode);
        if (h !== x && r.y !== h) h.dispose();
        ({ logDet, extras } = addOwned(logDet, extras, r));
        const [part, rest] = this.splitLevel(r.y, i);
        parts.push(part);
        if (rest !== r.y) r.y.dispose();
        h = rest;
      }
      return { y: tf.concat(parts, 1), logDet, extras };
    } finally {
      if (h !== x) h.dispose();
      tf.dispose(parts);
    }
  }

  /**
   * {@link inverse} with each level's async inverse pass.
   *
   * @param y Latent `[B, D]`.
   * @param context Per-example context `[B, C]`, or absent.
   * @param mode Passed to the levels.
   */
  async inverseAsync(y: Tensor, context?: Tensor, mode?: PassMode): Promise<InverseResult> {
    const b = y.shape[0];
    const n = this.levels.length;
    const sizes = this.shapes.map(([hh, ww, cc], i) => (hh * ww * cc) / (i + 1 < n ? 2 : 1));
    const parts = tf.split(y, sizes, 1);
    let logDet: Tensor = tf.zeros([b]);
    let extras: Extras | undefined;
    let h: Tensor = tf.reshape(parts[n - 1], [b, ...this.shapes[n - 1]]);
    try {
      for (let i = n - 1; i >= 0; i--) {
        if (i + 1 < n) {
          const [hh, ww, cc] = this.shapes[i];
          const joined = tf.tidy(() => tf.concat([tf.reshape(parts[i], [b, hh, ww, cc / 2]), h], 3));
          h.dispose();
          h = joined;
        }
        const level = this.levels[i];
        const r = level.inverseAsync
          ? await level.inverseAsync(h, context, mode)
          : level.inverse(h, context, mode);
        if (r.x !== h) h.dispose();
        h = r.x;
        ({ logDet, extras } = addOwned(logDet, extras, r));
      }
      return { x: h, logDet, extras };
    } catch (err) {
      tf.dispose([h, logDet]);
      throw err;
    } finally {
      tf.dispose(parts);
    }
  }

  /** Level i's output → the part factored out `[B, ·]` and what continues (the last level: all of it, flattened). */
  private splitLevel(out: Tensor, i: number): [Tensor, Tensor] {
    const b = out.shape[0];
    if (i + 1 === this.levels.length) return [tf.reshape(out, [b, -1]), out];
    return tf.tidy(() => {
      const c = out.shape[3] as number;
      const [part, keep] = tf.split(out, [c / 2, c / 2], 3);
      return [tf.reshape(part, [b, -1]), keep];
    });
  }

  inverse(y: Tensor, context?: Tensor, mode?: PassMode): InverseResult {
    return tf.tidy(() => {
      const b = y.shape[0];
      const n = this.levels.length;
      const sizes = this.shapes.map(([hh, ww, cc], i) => (hh * ww * cc) / (i + 1 < n ? 2 : 1));
      const parts = tf.split(y, sizes, 1);
      let logDet: Tensor = tf.zeros([b]);
      let extras: Extras | undefined;
      let h: Tensor = tf.reshape(parts[n - 1], [b, ...this.shapes[n - 1]]);
      for (let i = n - 1; i >= 0; i--) {
        if (i + 1 < n) {
          const [hh, ww, cc] = this.shapes[i];
          const out = tf.reshape(parts[i], [b, hh, ww, cc / 2]);
          h = tf.concat([out, h], 3);
        }
        const r = this.levels[i].inverse(h, context, mode);
        logDet = tf.add(logDet, r.logDet);
        extras = sumExtras(extras, r.extras);
        h = r.x;
      }
      return { x: h, logDet, extras };
    });
  }
}

/**
 * A multi-scale bijector from per-level bijectors and their output shapes.
 *
 * @param levels The per-level bijectors, in forward order.
 * @param shapes Per-level output shape `[H, W, C]`.
 */
export function multiScale(
  levels: readonly Bijector[],
  shapes: readonly (readonly [number, number, number])[],
): MultiScale {
  return new MultiScale(levels, shapes);
}

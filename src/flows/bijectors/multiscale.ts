import { type Tensor, tf } from '../../../solvers/tf.js';
import { sumExtras } from '../../core/extras.js';
import type { Extras } from '../../core/transform.js';
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
        const r = level.forward(h, context, mode);
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

import { type Tensor, tf } from '../../../solvers/tf.js';
import type { Bijector, ForwardResult, InverseResult } from '../bijector.js';

/**
 * Squeeze (RealNVP): `[B, H, W, C] → [B, H/2, W/2, 4C]`, each 2×2 spatial block moved into
 * channels (space-to-depth). Volume preserving: logDet = 0.
 */
export class Squeeze implements Bijector {
  readonly name = 'squeeze';
  readonly params: tf.Variable[] = [];

  forward(x: Tensor): ForwardResult {
    const [b, h, w, c] = x.shape;
    if (x.rank !== 4 || h % 2 !== 0 || w % 2 !== 0) {
      throw new Error(`squeeze: expected [B, H, W, C] with even H and W; got [${x.shape.join(', ')}]`);
    }
    return tf.tidy(() => {
      const t = tf.reshape(x, [b, h / 2, 2, w / 2, 2, c]);
      const y = tf.reshape(tf.transpose(t, [0, 1, 3, 2, 4, 5]), [b, h / 2, w / 2, 4 * c]);
      return { y, logDet: tf.zeros([b]) };
    });
  }

  inverse(y: Tensor): InverseResult {
    const [b, h, w, c4] = y.shape;
    if (y.rank !== 4 || c4 % 4 !== 0) {
      throw new Error(`squeeze.inverse: expected [B, H, W, 4C]; got [${y.shape.join(', ')}]`);
    }
    const c = c4 / 4;
    return tf.tidy(() => {
      const t = tf.reshape(y, [b, h, w, 2, 2, c]);
      const x = tf.reshape(tf.transpose(t, [0, 1, 3, 2, 4, 5]), [b, 2 * h, 2 * w, c]);
      return { x, logDet: tf.zeros([b]) };
    });
  }
}

/** The squeeze bijector. */
export function squeeze(): Squeeze {
  return new Squeeze();
}

import { describe, expect, it } from 'vitest';
import { tf } from '../../solvers/tf.js';
import { ffjordMultiscale } from '../../src/flows/ffjord-multiscale.js';
import { logAbsDet } from '../../src/flows/linalg.js';

describe("FFJORD's multiscale image CNF (squeeze / CNF blocks / split)", () => {
  const make = () =>
    ffjordMultiscale({
      imageShape: [4, 4, 1],
      levels: 2,
      hidden: [8],
      seed: 2,
      eval: { method: 'rk4', stepSize: 0.05 },
    });

  it('is invertible on images and its log-det matches a brute-force 16×16 Jacobian determinant', () => {
    const m = make();
    for (const [i, p] of m.params.entries()) {
      tf.tidy(() => p.assign(tf.add(p, tf.randomNormal(p.shape, 0, 0.2, 'float32', 30 + i))));
    }
    const before = tf.memory().numTensors;
    const x = tf.tidy(() => tf.reshape(tf.randomUniform([2, 16], 0.2, 0.8, 'float32', 1), [2, 4, 4, 1]));
    const fwd = m.bijector.forward(x);
    expect(fwd.y.shape).toEqual([2, 16]);
    const inv = m.bijector.inverse(fwd.y);
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(inv.x, x))).dataSync()[0])).toBeLessThan(1e-3);
    const h = 2e-3;
    const got = fwd.logDet.dataSync();
    for (let b = 0; b < 2; b++) {
      const rows = tf.tidy(() => {
        const xb = tf.reshape(tf.slice(x, [b, 0, 0, 0], [1, -1, -1, -1]), [1, 16]);
        const eye = tf.mul(tf.eye(16), h);
        const at = (d: tf.Tensor) => m.bijector.forward(tf.reshape(tf.add(xb, d), [16, 4, 4, 1])).y;
        // column k of J at row k of the result: (f(x + h e_k) − f(x − h e_k)) / 2h
        return tf.div(tf.sub(at(eye), at(tf.neg(eye))), 2 * h).arraySync() as number[][];
      });
      expect(Math.abs(logAbsDet(rows) - got[b])).toBeLessThan(5e-2);
    }
    tf.dispose([x, fwd.y, fwd.logDet, inv.x, inv.logDet]);
    expect(tf.memory().numTensors).toBe(before);
    m.dispose();
  });

  it('gives a finite dequantization bound on integer pixels and samples images in [0, L)', () => {
    const m = make();
    const x = tf.tidy(() => tf.floor(tf.randomUniform([3, 16], 0, 17, 'float32', 4)));
    const lp = m.logProb(x);
    expect(Array.from(lp.dataSync()).every(Number.isFinite)).toBe(true);
    const { loss, info } = m.trainLoss(x);
    expect(Number.isFinite(loss.dataSync()[0])).toBe(true);
    expect(info.nfe).toBeGreaterThan(0); // summed over the three CNF blocks through the chain
    const s = m.sample(2, 5);
    expect(s.shape).toEqual([2, 16]);
    const v = s.dataSync();
    expect(Array.from(v).every((p) => p >= 0 && p <= 17)).toBe(true);
    tf.dispose([x, lp, loss, s]);
    m.dispose();
  });
});

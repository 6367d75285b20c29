import { describe, expect, it } from 'vitest';
import { couple } from '../../src/flowmatch/coupling.js';
import { gaussianPath } from '../../src/flowmatch/paths.js';
import { tf } from '../../src/index.js';

describe('conditional Gaussian path', () => {
  it('its target equals the time derivative of the path map ψ_t(ε) = μ_t + σ ε (central differences)', () => {
    const x0 = tf.randomNormal([5, 3], 0, 1, 'float32', 1);
    const x1 = tf.randomNormal([5, 3], 0, 1, 'float32', 2);
    const eps = tf.randomNormal([5, 3], 0, 1, 'float32', 3);
    const sigma = 0.1;
    for (const tv of [0.1, 0.5, 0.9]) {
      const at = (s: number) => gaussianPath(x0, x1, tf.fill([5, 1], s), sigma, eps);
      const h = 1e-2; // the path is linear in t, so the central difference is exact up to round-off
      const plus = at(tv + h);
      const minus = at(tv - h);
      const mid = at(tv);
      const fd = tf.div(tf.sub(plus.xt, minus.xt), 2 * h);
      expect(tf.max(tf.abs(tf.sub(fd, mid.ut))).dataSync()[0]).toBeLessThan(1e-4);
      // and the analytic conditional velocity of I-CFM: x1 − x0
      expect(tf.max(tf.abs(tf.sub(mid.ut, tf.sub(x1, x0)))).dataSync()[0]).toBeLessThan(1e-6);
      tf.dispose([plus.xt, plus.ut, minus.xt, minus.ut, mid.xt, mid.ut, fd]);
    }
    tf.dispose([x0, x1, eps]);
  });

  it('puts the source at t = 0 and the data at t = 1 (σ = 0)', () => {
    const x0 = tf.tensor2d([[1, 2]]);
    const x1 = tf.tensor2d([[-3, 5]]);
    expect(Array.from(gaussianPath(x0, x1, tf.tensor2d([[0]]), 0).xt.dataSync())).toEqual([1, 2]);
    expect(Array.from(gaussianPath(x0, x1, tf.tensor2d([[1]]), 0).xt.dataSync())).toEqual([-3, 5]);
  });
});

describe('minibatch couplings', () => {
  const cost = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(tf.sub(a, b))).dataSync()[0];

  it('exact OT never costs more than the independent pairing, and keeps the same points', () => {
    const x0 = tf.randomNormal([64, 2], 0, 1, 'float32', 4);
    const x1 = tf.add(tf.randomNormal([64, 2], 0, 1, 'float32', 5), 3);
    const [a, b] = couple(x0, x1, 'exact');
    expect(cost(a, b)).toBeLessThanOrEqual(cost(x0, x1) + 1e-3);
    const sorted = (t: tf.Tensor) => Array.from(t.dataSync()).sort((p, q) => p - q);
    expect(sorted(b)).toEqual(sorted(x1));
  });

  it('sinkhorn pairs are much cheaper than independent ones and do not leak', () => {
    const x0 = tf.randomNormal([64, 2], 0, 1, 'float32', 6);
    const x1 = tf.randomNormal([64, 2], 0, 1, 'float32', 7);
    const before = tf.memory().numTensors;
    const [a, b] = couple(x0, x1, 'sinkhorn', { reg: 0.01, seed: 1 });
    expect(tf.memory().numTensors).toBe(before + 2);
    expect(cost(a, b)).toBeLessThan(0.5 * cost(x0, x1));
  });

  it('refuses batches larger than exact OT supports', () => {
    const big = tf.zeros([1025, 2]);
    expect(() => couple(big, big, 'exact')).toThrow(/up to 1024/);
  });
});

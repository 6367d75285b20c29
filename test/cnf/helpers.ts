import { CNF, type CnfOptions } from '../../src/cnf/index.js';
import { tf } from '../../src/index.js';

/** A small random 2-D CNF with a fixed-step solver (so perturbations do not move the steps). */
export function smallCnf(extra: Partial<CnfOptions> = {}): CNF {
  return new CNF({
    dim: 2,
    hidden: [16, 16],
    activation: 'tanh',
    T: 0.55,
    solver: { method: 'rk4', stepSize: 0.1 },
    seed: 4,
    ...extra,
  });
}

/** Eight Gaussians on a circle of radius 2 (std 0.3), seeded: a quick 2-D training set. */
export function eightGaussians(n: number, seed: number): tf.Tensor2D {
  return tf.tidy(() => {
    const k = tf.randomUniform([n], 0, 8, 'int32', seed);
    const ang = tf.mul(tf.cast(k, 'float32'), Math.PI / 4);
    const centers = tf.mul(tf.stack([tf.cos(ang), tf.sin(ang)], 1), 2);
    return tf.add(centers, tf.randomNormal([n, 2], 0, 0.3, 'float32', seed + 1)) as tf.Tensor2D;
  });
}

/** Disposes every variable of a model. */
export function disposeModel(m: {
  params: readonly tf.Variable[];
  sqrtEndTimes?: readonly tf.Variable[];
}): void {
  for (const p of new Set([...m.params, ...(m.sqrtEndTimes ?? [])])) p.dispose();
}

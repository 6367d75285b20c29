import { type Tensor, tf } from '../../solvers/tf.js';
import type { Bijector } from '../../src/flows/bijector.js';
import { logAbsDet } from '../../src/flows/linalg.js';

/** Adds seeded N(0, std²) noise to every variable, so that layers are far from the identity. */
export function perturb(vars: readonly tf.Variable[], std: number, seed: number): void {
  vars.forEach((v, i) => {
    tf.tidy(() => v.assign(tf.add(v, tf.randomNormal(v.shape, 0, std, 'float32', seed + i))));
  });
}

/**
 * log|det J| per example of f at x (any event shape), with J built row by row from first-order
 * tfjs gradients (examples are independent, so the gradient of Σ_b f(x)_{b,i} gives row i of each J_b).
 */
export function autodiffLogDet(f: (x: Tensor) => Tensor, x: Tensor): number[] {
  const b = x.shape[0];
  const d = x.size / b;
  const rows: number[][][] = Array.from({ length: b }, () => []);
  for (let i = 0; i < d; i++) {
    const g = tf.grad((xx: Tensor) => tf.sum(tf.slice(tf.reshape(f(xx), [b, d]), [0, i], [b, 1])))(x);
    const v = g.dataSync();
    for (let k = 0; k < b; k++) rows[k].push(Array.from(v.subarray(k * d, (k + 1) * d)));
    g.dispose();
  }
  return rows.map((j) => logAbsDet(j));
}

/** A shorthand to read a tensor and dispose it. */
export function read(t: Tensor): number[] {
  const v = Array.from(t.dataSync());
  t.dispose();
  return v;
}

/** max |a − b|. */
export function maxAbsDiff(a: Tensor, b: Tensor): number {
  const d = tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))));
  return read(d)[0];
}

export type Case = { name: string; make: () => Bijector; input: () => Tensor; perturb?: number };

import { tf } from '../../solvers/tf.js';
import { randomNormal } from '../core/random.js';
import { Rng } from '../data/rng.js';

/** A trainable variable drawn from N(0, std²) with a fixed seed. */
export function normalVariable(shape: number[], std: number, seed: number, name?: string): tf.Variable {
  return tf.tidy(() => tf.variable(randomNormal(shape, 0, std, seed), true, uniqueName(name)));
}

/** A trainable variable filled with `value`. */
export function constVariable(shape: number[], value: number, name?: string): tf.Variable {
  return tf.tidy(() => tf.variable(tf.fill(shape, value), true, uniqueName(name)));
}

/** A trainable variable from given values. */
export function arrayVariable(values: Float32Array | number[], shape: number[], name?: string): tf.Variable {
  return tf.tidy(() => tf.variable(tf.tensor(values, shape, 'float32'), true, uniqueName(name)));
}

let counter = 0;
function uniqueName(name?: string): string | undefined {
  return name === undefined ? undefined : `${name}_${counter++}`;
}

/** A seeded permutation of 0..n-1 (Fisher–Yates). */
export function seededPermutation(n: number, seed: number): number[] {
  const rng = new Rng(seed);
  const p = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [p[i], p[j]] = [p[j], p[i]];
  }
  return p;
}

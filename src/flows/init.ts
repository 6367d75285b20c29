import { tf } from '../../solvers/tf.js';

/** A deterministic stream of integer seeds derived from one seed (for reproducible initialisation). */
export class SeedStream {
  private state: number;
  constructor(seed: number) {
    this.state = (Math.floor(seed) >>> 0) ^ 0x9e3779b9;
  }
  /** The next seed (a 31-bit integer). */
  next(): number {
    // mulberry32 step
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) & 0x7fffffff;
  }
  /** A uniform number in [0, 1). */
  uniform(): number {
    return this.next() / 0x80000000;
  }
}

/** A trainable variable drawn from N(0, std²) with a fixed seed. */
export function normalVariable(shape: number[], std: number, seed: number, name?: string): tf.Variable {
  return tf.tidy(() => tf.variable(tf.randomNormal(shape, 0, std, 'float32', seed), true, uniqueName(name)));
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
  const s = new SeedStream(seed);
  const p = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(s.uniform() * (i + 1));
    [p[i], p[j]] = [p[j], p[i]];
  }
  return p;
}

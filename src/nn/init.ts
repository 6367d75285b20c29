import { tf } from '../../solvers/tf.js';
import { Rng } from '../data/rng.js';

/** A deterministic uniform generator on [0, 1). */
export type Uniform = () => number;

/** A seeded uniform generator: the draws of odeflow's one {@link Rng} seeded by `seed`. */
export function uniformRng(seed: number): Uniform {
  const rng = new Rng(seed);
  return () => rng.uniform();
}

/**
 * A variable of the given shape with entries uniform in [−bound, bound) drawn from `rng`
 * (PyTorch's nn.Linear default uses bound = 1/√fan_in, as FFJORD's layers do).
 */
export function uniformVariable(rng: Uniform, shape: number[], bound: number, name?: string): tf.Variable {
  const n = shape.reduce((a, b) => a * b, 1);
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) v[i] = (2 * rng() - 1) * bound;
  const init = tf.tensor(v, shape, 'float32');
  const variable = tf.variable(init, true, name);
  init.dispose();
  return variable;
}

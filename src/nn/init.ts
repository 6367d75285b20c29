import seedrandom from 'seedrandom';
import { tf } from '../../solvers/tf.js';

/** A deterministic uniform generator on [0, 1). */
export type Uniform = () => number;

/** A seeded uniform generator (seedrandom's alea). */
export function uniformRng(seed: number): Uniform {
  return seedrandom.alea(String(seed));
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

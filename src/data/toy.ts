import { type Tensor, tf } from '../../solvers/tf.js';
import { Rng } from './rng.js';
import { TOY_SPECS, type ToyName, type ToySpec } from './toy-specs.js';

/** Names of the toy 2-D densities, in a stable order. */
export const toyNames: readonly ToyName[] = Object.keys(TOY_SPECS) as ToyName[];

/**
 * Whether `name` names a toy density.
 *
 * @param name Any string.
 */
export function isToyName(name: string): name is ToyName {
  return Object.hasOwn(TOY_SPECS, name);
}

/**
 * The spec (description, plot range, sampler) of a toy density; throws naming the known ones.
 *
 * @param name A toy name, e.g. `8gaussians`.
 */
export function toySpec(name: string): ToySpec {
  if (!isToyName(name)) {
    throw new Error(`unknown toy data set '${name}'; expected one of ${toyNames.join(', ')}`);
  }
  return TOY_SPECS[name];
}

function checkCount(n: number): void {
  if (!Number.isInteger(n) || n < 1) {
    throw new Error(`number of points must be a positive integer, got ${n}`);
  }
}

/**
 * `n` points `[n, 2]` (float32) from the toy density `name` (see {@link toyNames}), as FFJORD's
 * `toy_data.py` defines it. The same `seed` gives the same points; without one they are random.
 *
 * @param name One of {@link toyNames}: `8gaussians`, `2spirals`, `checkerboard`, `moons`, `circles`, `pinwheel`, `swissroll`, `rings`.
 * @param n Number of points, a positive integer.
 * @param seed Seed; the same seed gives the same points. Omitted: random.
 * @example
 * const x = toyData('checkerboard', 1000, 0); // [1000, 2]
 */
export function toyData(name: string, n: number, seed?: number): tf.Tensor2D {
  const spec = toySpec(name);
  checkCount(n);
  return tf.tensor2d(spec.draw(new Rng(seed), n), [n, 2], 'float32');
}

/**
 * Draws `n` points; `step` (the training iteration, or -1 for a held-out set) makes a draw
 * reproducible by itself, so a training run resumed at iteration k sees the batches it would have
 * seen. Samplers that have no use for `step` ignore it.
 *
 * @param n Number of points.
 * @param step Training iteration, or -1 for a held-out set.
 * @returns Points `[n, dim]`.
 */
export type Sampler = (n: number, step?: number) => Tensor;

/**
 * A training sampler for a toy density. With `step` given, the batch depends only on
 * `(seed, step)`; without it, calls advance one seeded stream.
 *
 * @param name A toy name, e.g. `8gaussians`.
 * @param seed Seed of the draws. Default 0.
 *
 * @example
 * const sampler = toySampler('8gaussians', 0);
 * const batch = sampler(256, 3); // iteration 3's batch, [256, 2]; the same (n, step) gives the same points
 */
export function toySampler(name: string, seed = 0): Sampler {
  const spec = toySpec(name);
  const stream = new Rng(`${seed}`);
  return (n, step) => {
    checkCount(n);
    const rng = step === undefined ? stream : new Rng(`${seed}:${step}`);
    return tf.tensor2d(spec.draw(rng, n), [n, 2], 'float32');
  };
}

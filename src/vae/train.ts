import { type Tensor, tf } from '../../solvers/tf.js';
import { Rng } from '../data/rng.js';
import { minimize } from '../train/minimize.js';
import type { Vae } from './vae.js';

/** Options of {@link trainVae}. Every field has a default. */
export interface TrainVaeOptions {
  /** Optimisation steps. Default 3000. */
  iterations?: number;
  /** Images per step. Default 100. */
  batch?: number;
  /** Adam step size. Default 1e-3. */
  learningRate?: number;
  /** Seed of the minibatches and posterior draws. Default 0. */
  seed?: number;
  /**
   * Called after each step with its index and −ELBO.
   *
   * @param iteration Step index, 0-based.
   * @param loss That step's −ELBO (mean over the batch).
   */
  onStep?: (iteration: number, loss: number) => void;
}

/** Thrown when a step's loss is not finite (the message names the step). */
export class VaeDivergedError extends Error {}

/**
 * Trains a {@link Vae} by maximising the ELBO (one draw per image) on binary images `[N, D]`; returns the losses and seconds.
 *
 * @param vae The model; its variables are updated in place.
 * @param data Binary images `[N, D]`.
 * @param options Steps, batch size, learning rate, seed and per-step callback; see {@link TrainVaeOptions}.
 */
export function trainVae(
  vae: Vae,
  data: Tensor,
  options: TrainVaeOptions = {},
): {
  /** −ELBO per step. */
  losses: number[];
  /** Wall-clock seconds. */
  seconds: number;
} {
  const iterations = options.iterations ?? 3000;
  const batch = options.batch ?? 100;
  const n = data.shape[0];
  if (!(Number.isInteger(iterations) && iterations >= 1))
    throw new Error(`trainVae: iterations = ${iterations} is invalid: expected a whole number ≥ 1`);
  if (!(Number.isInteger(batch) && batch >= 1 && batch <= n))
    throw new Error(`trainVae: batch = ${batch} is invalid: expected a whole number in [1, ${n}]`);
  const rng = new Rng(options.seed ?? 0);
  let order: number[] = [];
  let pos = n;
  return minimize(
    vae.params,
    () => {
      if (pos + batch > n) {
        order = Array.from({ length: n }, (_, i) => i);
        for (let i = n - 1; i > 0; i--) {
          const j = rng.int(i + 1);
          [order[i], order[j]] = [order[j], order[i]];
        }
        pos = 0;
      }
      const xb = tf.gather(data, tf.tensor1d(order.slice(pos, pos + batch), 'int32'));
      pos += batch;
      return vae.trainLoss(xb, rng.seed());
    },
    {
      iterations,
      learningRate: options.learningRate ?? 1e-3,
      onStep: options.onStep,
      diverged: (v, it) => new VaeDivergedError(`trainVae: the loss is ${v} at step ${it}`),
    },
  );
}

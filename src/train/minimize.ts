/**
 * The plain Adam loop shared by reverse-KL fitting (src/vi) and VAE training (src/vae): a scalar
 * loss per step, first-order gradients by tfjs autodiff, a finite-loss check, one Adam step.
 * (Density-model training with evaluation, checkpoints and progress is {@link train}.)
 */
import { tf } from '../../solvers/tf.js';
import { AdamW } from './adamw.js';

/** Options of {@link minimize}. */
export interface MinimizeOptions {
  /** Optimisation steps (a whole number ≥ 1; the caller validates it). */
  iterations: number;
  /** Adam step size. */
  learningRate: number;
  /**
   * The error thrown when a step's loss is not finite (the caller's typed error, naming the step).
   *
   * @param loss The loss value.
   * @param iteration Step index, 0-based.
   */
  diverged: (loss: number, iteration: number) => Error;
  /**
   * Called after each step with its index and loss.
   *
   * @param iteration Step index, 0-based.
   * @param loss That step's loss.
   */
  onStep?: (iteration: number, loss: number) => void;
}

/** Result of {@link minimize}. */
export interface MinimizeResult {
  /** Loss per step (before that step's update). */
  losses: number[];
  /** Wall-clock seconds. */
  seconds: number;
}

/**
 * Minimises `loss` over `params` with Adam (no weight decay). `loss(it)` is called once per step,
 * inside the gradient tape (tensors it makes are disposed); no tensor outlives the call, on
 * success or on error.
 *
 * @param params The variables to update in place.
 * @param loss The differentiable scalar loss of step `iteration`.
 * @param options Steps, step size, divergence error and per-step callback; see {@link MinimizeOptions}.
 */
export function minimize(
  params: readonly tf.Variable[],
  loss: (iteration: number) => tf.Scalar,
  options: MinimizeOptions,
): MinimizeResult {
  const opt = new AdamW({ learningRate: options.learningRate, weightDecay: 0 });
  const vars = params as tf.Variable[];
  const losses: number[] = [];
  const t0 = performance.now();
  try {
    for (let it = 0; it < options.iterations; it++) {
      const { value, grads } = tf.variableGrads(() => loss(it), vars);
      const v = value.dataSync()[0];
      value.dispose();
      if (!Number.isFinite(v)) {
        tf.dispose(grads);
        throw options.diverged(v, it);
      }
      opt.step(
        vars,
        vars.map((p) => grads[p.name]),
      );
      tf.dispose(grads);
      losses.push(v);
      options.onStep?.(it, v);
    }
  } finally {
    opt.dispose();
  }
  return { losses, seconds: (performance.now() - t0) / 1000 };
}

import { type Tensor, tf } from '../../solvers/tf.js';
import type { SampleWithLogProb } from '../core/flow-model.js';
import { Rng } from '../data/rng.js';
import { minimize } from '../train/minimize.js';

/** What reverse-KL fitting needs of a model: draw and score in one pass (every `FlowModel` has it). */
export interface SampleScorer {
  /** Trainable variables. */
  readonly params: readonly tf.Variable[];
  /**
   * n samples and log q of each, from one differentiable pass; the third argument is the seed.
   *
   * @param n Number of samples.
   * @param context Context, or (a number) the seed.
   * @param seed Seed of the draw.
   */
  sampleAndLogProb(n: number, context?: Tensor | number, seed?: number): SampleWithLogProb;
}

/** Options of {@link fitReverseKl}. Every field has a default. */
export interface ReverseKlOptions {
  /** Optimisation steps. Default 2000. */
  iterations?: number;
  /** Samples per step. Default 256. */
  batch?: number;
  /** Adam step size. Default 1e-2. */
  learningRate?: number;
  /**
   * Steps over which the inverse temperature β of the target rises linearly from 0.01 to 1
   * (Rezende & Mohamed's annealed free energy, β_t = min(1, 0.01 + t/anneal)). Default 0: β = 1.
   */
  anneal?: number;
  /** Seed of the sample stream. Default 0. */
  seed?: number;
  /**
   * Called after each step with the step index (0-based) and that step's loss.
   *
   * @param iteration Step index, 0-based.
   * @param loss That step's loss.
   */
  onStep?: (iteration: number, loss: number) => void;
}

/** Result of {@link fitReverseKl}. */
export interface ReverseKlResult {
  /** Loss per step: E_q[log q(z) + β·U(z)] (at β = 1 this is KL(q‖p) − log Z). */
  losses: number[];
  /** Wall-clock seconds. */
  seconds: number;
}

/** Thrown when a step's loss is not finite (the message names the step). */
export class ReverseKlDivergedError extends Error {}

/**
 * Fits q to the unnormalised density p̃(z) = exp(−U(z)) by minimising the reverse KL
 * E_q[log q(z) − log p̃(z)] = KL(q‖p) − log Z with reparameterised samples from
 * `model.sampleAndLogProb` (gradients by tfjs autodiff, first order), Adam steps.
 *
 * @param model The approximating density q (e.g. a `FlowModel`).
 * @param U The energy U(z) `[n, D] → [n]` of the target p̃ = exp(−U).
 * @param options Steps, batch size, learning rate, annealing, seed and per-step callback; see {@link ReverseKlOptions}.
 */
export function fitReverseKl(
  model: SampleScorer,
  U: (z: Tensor) => Tensor,
  options: ReverseKlOptions = {},
): ReverseKlResult {
  const iterations = options.iterations ?? 2000;
  const batch = options.batch ?? 256;
  const anneal = options.anneal ?? 0;
  checkWhole('iterations', iterations, 1);
  checkWhole('batch', batch, 1);
  checkWhole('anneal', anneal, 0);
  const seeds = new Rng(options.seed ?? 0);
  const beta = (it: number) => (anneal > 0 ? Math.min(1, 0.01 + it / anneal) : 1);
  return minimize(model.params, (it) => reverseKlLoss(model, U, batch, seeds.seed(), beta(it)), {
    iterations,
    learningRate: options.learningRate ?? 1e-2,
    onStep: options.onStep,
    diverged: (v, it) =>
      new ReverseKlDivergedError(`fitReverseKl: the loss is ${v} at step ${it} (β = ${beta(it)})`),
  });
}

/**
 * The scalar E_q[log q(z) + β·U(z)] on n fresh samples (differentiable).
 *
 * @param model The approximating density q (e.g. a `FlowModel`).
 * @param U The energy U(z) `[n, D] → [n]` of the target p̃ = exp(−U).
 * @param n Number of samples.
 * @param seed Seed of the samples.
 * @param beta Inverse temperature β of the target. Default 1.
 */
export function reverseKlLoss(
  model: SampleScorer,
  U: (z: Tensor) => Tensor,
  n: number,
  seed: number,
  beta = 1,
): tf.Scalar {
  return tf.tidy(() => {
    const { x, logProb } = model.sampleAndLogProb(n, undefined, seed);
    return tf.mean(tf.add(logProb, tf.mul(U(x), beta))) as tf.Scalar;
  });
}

/** A Monte-Carlo estimate of KL(q‖p) and its standard error. */
export interface KlEstimate {
  /** The estimate of KL(q‖p). */
  kl: number;
  /** Its Monte-Carlo standard error. */
  stderr: number;
  /** Samples used. */
  n: number;
}

/**
 * KL(q‖p) = E_q[log q(z) + U(z)] + log Z from n samples of q, with `logZ` known (e.g. by
 * quadrature, src/vi/log-z.ts), so the estimate is exact up to its Monte-Carlo error.
 *
 * @param model The approximating density q (e.g. a `FlowModel`).
 * @param U The energy U(z) `[n, D] → [n]` of the target p̃ = exp(−U).
 * @param logZ log Z of the target, known independently.
 * @param options `n` samples (default 10000, at least 2), `seed` (default 12345) and `batch` size per pass (default 5000).
 */
export function klEstimate(
  model: SampleScorer,
  U: (z: Tensor) => Tensor,
  logZ: number,
  options: { n?: number; seed?: number; batch?: number } = {},
): KlEstimate {
  const n = options.n ?? 10000;
  const batch = options.batch ?? 5000;
  checkWhole('n', n, 2);
  const seeds = new Rng(options.seed ?? 12345);
  let sum = 0;
  let sum2 = 0;
  for (let s = 0; s < n; s += batch) {
    const m = Math.min(batch, n - s);
    const t = tf.tidy(() => {
      const { x, logProb } = model.sampleAndLogProb(m, undefined, seeds.seed());
      return tf.add(logProb, U(x));
    });
    for (const v of t.dataSync()) {
      const k = v + logZ;
      sum += k;
      sum2 += k * k;
    }
    t.dispose();
  }
  const mean = sum / n;
  const variance = Math.max(0, (sum2 - n * mean * mean) / (n - 1));
  return { kl: mean, stderr: Math.sqrt(variance / n), n };
}

function checkWhole(name: string, v: number, min: number): void {
  if (!(Number.isInteger(v) && v >= min)) {
    throw new Error(`fitReverseKl: ${name} = ${v} is invalid: expected a whole number ≥ ${min}`);
  }
}

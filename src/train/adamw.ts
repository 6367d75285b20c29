import { type Tensor, tf } from '../../solvers/tf.js';

/** A tensor with a name (tfjs's optimizer and weights-IO shape). */
export interface NamedTensor {
  /** The name (a variable name, or the optimizer slot). */
  name: string;
  /** The value. */
  tensor: Tensor;
}

/** Options of {@link AdamW}. */
export interface AdamWOptions {
  /** Step size. Default 1e-3. */
  learningRate?: number;
  /** Decoupled weight decay λ: each step multiplies θ by (1 − lr·λ) (Loshchilov & Hutter). Default 1e-5. */
  weightDecay?: number;
  /** Default 0.9. */
  beta1?: number;
  /** Default 0.999. */
  beta2?: number;
  /** Default 1e-8. */
  epsilon?: number;
}

/**
 * Adam with decoupled weight decay, built on tfjs's Adam (which has none): the decay is applied
 * to the parameters directly, first-order only, before each Adam step, as PyTorch's AdamW does.
 * Gradients are given in the parameters' order, so moment estimates line up by position — which
 * is what lets {@link AdamW.setState} restore them onto a rebuilt model's fresh variables.
 */
export class AdamW {
  /** The wrapped tfjs optimizer. */
  readonly adam: tf.AdamOptimizer;
  /** Step size in use (option `learningRate`, default 1e-3). */
  readonly learningRate: number;
  /** Decoupled weight decay λ in use (option `weightDecay`, default 1e-5). */
  readonly weightDecay: number;

  /**
   * An AdamW optimizer over a fresh tfjs Adam.
   *
   * @param options Learning rate, weight decay and Adam's β₁, β₂, ε; see {@link AdamWOptions}.
   */
  constructor(options: AdamWOptions = {}) {
    this.learningRate = options.learningRate ?? 1e-3;
    this.weightDecay = options.weightDecay ?? 1e-5;
    this.adam = tf.train.adam(
      this.learningRate,
      options.beta1 ?? 0.9,
      options.beta2 ?? 0.999,
      options.epsilon ?? 1e-8,
    );
  }

  /**
   * One step: θ ← θ·(1 − lr·λ), then Adam with `grads` (same order and shapes as `params`).
   *
   * @param params The variables to update.
   * @param grads Their gradients, same order and shapes.
   */
  step(params: readonly tf.Variable[], grads: readonly Tensor[]): void {
    const decay = 1 - this.learningRate * this.weightDecay;
    if (decay !== 1) {
      tf.tidy(() => {
        for (const p of params) p.assign(tf.mul(p, decay));
      });
    }
    this.adam.applyGradients(params.map((p, i) => ({ name: p.name, tensor: grads[i] })));
  }

  /** The optimizer state (step count, then first and second moments, in parameter order). */
  async getState(): Promise<NamedTensor[]> {
    return this.adam.getWeights();
  }

  /**
   * Restores a state from {@link AdamW.getState} (the tensors are copied; the caller keeps them).
   *
   * @param state Tensors from {@link AdamW.getState}.
   */
  async setState(state: NamedTensor[]): Promise<void> {
    await this.adam.setWeights(state);
  }

  /** Frees the optimizer's variables. */
  dispose(): void {
    this.adam.dispose();
  }
}

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
 * The tensors laid end to end as one flat vector (rank-1 tensors as they are, others reshaped):
 * one buffer, so an optimizer step or a norm is a handful of kernels however many tensors there are.
 *
 * @param tensors Tensors of any shapes.
 */
export function flatten(tensors: readonly Tensor[]): Tensor {
  return tf.tidy(() => {
    const parts = tensors.map((t) => (t.rank === 1 ? t : tf.reshape(t, [-1])));
    return parts.length === 1 ? tf.clone(parts[0]) : tf.concat(parts);
  });
}

/**
 * Adam with decoupled weight decay, as PyTorch's AdamW: each step multiplies θ by (1 − lr·λ),
 * then takes tfjs's Adam step (the same float32 arithmetic as `tf.train.adam`: m ← β₁m + (1 − β₁)g,
 * v ← β₂v + (1 − β₂)g², θ ← θ − lr·m̂/(√v̂ + ε) with m̂, v̂ bias-corrected). The moments live in two
 * flat buffers over all parameters, so one step is about twenty kernels whatever the number of
 * parameter tensors (tfjs's Adam runs ~14 per tensor: 284 for a 20-tensor field). Gradients are
 * given in the parameters' order, so moments line up by position — which is what lets
 * {@link AdamW.setState} restore them onto a rebuilt model's fresh variables; the state has
 * tfjs Adam's layout (`iter`, then `<name>/m` and `<name>/v` per parameter).
 */
export class AdamW {
  /** Step size in use (option `learningRate`, default 1e-3). */
  readonly learningRate: number;
  /** Decoupled weight decay λ in use (option `weightDecay`, default 1e-5). */
  readonly weightDecay: number;
  /** β₁ in use (default 0.9). */
  readonly beta1: number;
  /** β₂ in use (default 0.999). */
  readonly beta2: number;
  /** ε in use (default 1e-8). */
  readonly epsilon: number;
  private iterations = 0;
  private m: tf.Variable | null = null;
  private v: tf.Variable | null = null;
  private names: string[] = [];
  private sizes: number[] = [];
  private shapes: number[][] = [];

  /**
   * An AdamW optimizer (no state until the first step).
   *
   * @param options Learning rate, weight decay and Adam's β₁, β₂, ε; see {@link AdamWOptions}.
   */
  constructor(options: AdamWOptions = {}) {
    this.learningRate = options.learningRate ?? 1e-3;
    this.weightDecay = options.weightDecay ?? 1e-5;
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-8;
  }

  /**
   * One step: θ ← θ·(1 − lr·λ), then Adam with `grads` (same order and shapes as `params`, or
   * already flattened into one vector (`flatten` in src/train/flat.ts); the caller keeps and disposes them).
   *
   * @param params The variables to update.
   * @param grads Their gradients, same order and shapes, or one flat vector of them.
   */
  step(params: readonly tf.Variable[], grads: readonly Tensor[] | Tensor): void {
    const sizes = params.map((p) => p.size);
    const total = sizes.reduce((a, b) => a + b, 0);
    if (this.m === null || this.v === null) {
      this.m = tf.tidy(() => tf.variable(tf.zeros([total]), false));
      this.v = tf.tidy(() => tf.variable(tf.zeros([total]), false));
    }
    if (this.m.size !== total) {
      throw new Error(
        `AdamW.step: the parameters have ${total} entries; the optimizer state has ${this.m.size} (a different model?)`,
      );
    }
    this.names = params.map((p) => p.name);
    this.sizes = sizes;
    this.shapes = params.map((p) => p.shape);
    const m = this.m;
    const v = this.v;
    const t = this.iterations + 1;
    const decay = 1 - this.learningRate * this.weightDecay;
    tf.tidy(() => {
      const g = Array.isArray(grads) ? flatten(grads as readonly Tensor[]) : (grads as Tensor);
      if (g.size !== total) {
        throw new Error(`AdamW.step: the gradient has ${g.size} entries; the parameters have ${total}`);
      }
      const theta = flatten(params);
      const m1 = tf.add(tf.mul(m, this.beta1), tf.mul(g, 1 - this.beta1));
      const v1 = tf.add(tf.mul(v, this.beta2), tf.mul(tf.square(g), 1 - this.beta2));
      const mHat = tf.div(m1, 1 - this.beta1 ** t);
      const vHat = tf.div(v1, 1 - this.beta2 ** t);
      const decayed = decay === 1 ? theta : tf.mul(theta, decay);
      const next = tf.add(
        tf.mul(tf.div(mHat, tf.add(tf.sqrt(vHat), this.epsilon)), -this.learningRate),
        decayed,
      );
      m.assign(m1);
      v.assign(v1);
      const parts = params.length === 1 ? [next] : tf.split(next, sizes);
      params.forEach((p, i) => {
        p.assign(p.rank === 1 ? parts[i] : tf.reshape(parts[i], p.shape));
      });
    });
    this.iterations = t;
  }

  /** The optimizer state (step count `iter`, then first and second moments, in parameter order), as fresh tensors the caller disposes. */
  async getState(): Promise<NamedTensor[]> {
    const iter: NamedTensor = { name: 'iter', tensor: tf.scalar(this.iterations, 'int32') };
    if (this.m === null || this.v === null) return [iter];
    const m = this.m;
    const v = this.v;
    // one tensor per parameter, in the parameter's shape (tfjs Adam's layout)
    const [ms, vs] = tf.tidy(() => {
      const unflat = (flat: Tensor): Tensor[] =>
        (this.sizes.length === 1 ? [flat] : tf.split(flat, this.sizes)).map((x, i) =>
          tf.reshape(x, this.shapes[i]),
        );
      return [unflat(m), unflat(v)];
    });
    return [
      iter,
      ...this.names.map((name, i) => ({ name: `${name}/m`, tensor: ms[i] })),
      ...this.names.map((name, i) => ({ name: `${name}/v`, tensor: vs[i] })),
    ];
  }

  /**
   * Restores a state from {@link AdamW.getState} (or a tfjs Adam's `getWeights`; the tensors are
   * copied, the caller keeps them).
   *
   * @param state Tensors from {@link AdamW.getState}: `iter`, then the first and second moments by parameter.
   */
  async setState(state: NamedTensor[]): Promise<void> {
    if (state.length === 0 || (state.length - 1) % 2 !== 0) {
      throw new Error(
        `AdamW.setState: expected 'iter' and two moments per parameter; got ${state.length} tensors`,
      );
    }
    const iter = (await state[0].tensor.data())[0];
    this.disposeMoments();
    this.iterations = iter;
    const count = (state.length - 1) / 2;
    if (count === 0) return;
    const first = state.slice(1, 1 + count);
    const second = state.slice(1 + count);
    this.names = first.map((s) => s.name.replace(/\/m$/, ''));
    this.sizes = first.map((s) => s.tensor.size);
    this.shapes = first.map((s) => s.tensor.shape);
    this.m = tf.tidy(() => tf.variable(flatten(first.map((s) => s.tensor)), false));
    this.v = tf.tidy(() => tf.variable(flatten(second.map((s) => s.tensor)), false));
  }

  private disposeMoments(): void {
    this.m?.dispose();
    this.v?.dispose();
    this.m = null;
    this.v = null;
  }

  /** Frees the optimizer's moment buffers. */
  dispose(): void {
    this.disposeMoments();
  }
}

import { holdForBackward, TapeHeld } from '../../solvers/tape.js';
import { type Tensor, tf } from '../../solvers/tf.js';

/** The layers {@link mlpOp} runs: per layer a weight `[in, out]`, a bias `[out]` and an optional 0/1 mask. */
export interface MlpLayers {
  /**
   * Weights `[in_l, out_l]`, one per layer (ReLU after every layer but the last). Without masks the
   * backward pass reads them as they are: they must live until it has run (variables do).
   */
  readonly weights: readonly Tensor[];
  /** Biases `[out_l]`, one per layer. */
  readonly biases: readonly Tensor[];
  /** Optional 0/1 masks `[in_l, out_l]` (MADE): layer l multiplies by W_l ⊙ M_l. */
  readonly masks?: readonly Tensor[];
}

/**
 * The backward pass of the ReLU MLP: ∂L/∂x, then ∂L/∂W_l and ∂L/∂b_l for every layer, from
 * δ = ∂L/∂out. Per layer l (last first), with u_l the layer's input and W̃_l = W_l ⊙ M_l:
 * ∂L/∂W_l = (u_lᵀ·δ) ⊙ M_l, ∂L/∂b_l = 1ᵀ·δ (a [1, B]·[B, out] matMul: on wasm a column
 * `tf.sum` transposes δ first and costs far more at large B), and δ ← (δ·W̃_lᵀ) ⊙ 1[u_l > 0]
 * (u_l = relu(z_{l−1}), so 1[u_l > 0] = 1[z_{l−1} > 0]); at the first layer δ·W̃_0ᵀ is ∂L/∂x.
 *
 * @param dy ∂L/∂out `[B, out]`.
 * @param ins The layers' inputs u_0 = x, u_1, …, u_{n−1}.
 * @param wEff The effective weights W̃_l.
 * @param masks The masks, if any.
 */
function mlpBackward(
  dy: Tensor,
  ins: readonly Tensor[],
  wEff: readonly Tensor[],
  masks: readonly Tensor[] | undefined,
): Tensor[] {
  return tf.tidy(() => {
    const n = wEff.length;
    const ones = tf.ones([1, dy.shape[0]]);
    const dW: Tensor[] = new Array(n);
    const db: Tensor[] = new Array(n);
    let delta = dy;
    let dx = dy;
    for (let l = n - 1; l >= 0; l--) {
      const u = ins[l];
      const [din, dout] = wEff[l].shape;
      // uᵀ·δ transposes u inside the wasm matMul (src/wasm/matmul.ts); when the layer narrows (the
      // output layer, dout ≪ din) transposing the narrow δ and the small product is cheaper: (δᵀ·u)ᵀ
      const g =
        dout < din ? tf.transpose(tf.matMul(delta, u, true, false)) : tf.matMul(u, delta, true, false);
      dW[l] = masks ? tf.mul(g, masks[l]) : g;
      db[l] = tf.reshape(tf.matMul(ones, delta), [dout]);
      const back = tf.matMul(delta, wEff[l], false, true);
      if (l === 0) dx = back;
      else delta = tf.mul(back, tf.step(u));
    }
    return [dx, ...dW, ...db];
  });
}

/**
 * A ReLU MLP `[B, in] → [B, out]` (ReLU after every layer but the last) as one tf.customGrad op
 * with a hand-written first-order backward pass. Forward: per layer a plain 2-D matMul, a bias add
 * and (hidden layers) a ReLU (`tf.fused.matMul` with a bias dispatches four engine kernels for a
 * 2-D product: rank-3 reshapes around `_FusedMatMul`); masked weights W ⊙ M are formed once per
 * call. Backward (see `mlpBackward`): per layer two matMuls for ∂L/∂W and ∂L/∂u, one for ∂L/∂b,
 * and a ReLU derivative taken from the held post-activation (Step + Mul). tfjs autodiff of the
 * same network instead replays its generic gradients: a `save` clone of every saved tensor, the
 * bias's column Sum, Reshape/Cast bookkeeping (bench/conditioners.ts: 60 → 38 kernels for value
 * and gradient of a 2-48-48-4 network).
 *
 * What the backward pass reads (the hidden activations, W ⊙ M) is kept alive on the gradient
 * tape without the copies tfjs's `save` makes; only the input x, which its caller owns, is copied
 * (one Identity kernel). With no tape recording nothing is kept. Gradients flow to x and to every
 * weight and bias (the op's inputs), at first order: do not take a gradient of a gradient
 * through it (tfjs's nested gradients are wrong anyway, DESIGN.md §3).
 *
 * @param x Input `[B, in]`.
 * @param layers Weights, biases and optional masks.
 */
export function mlpOp(x: Tensor, layers: MlpLayers): Tensor {
  const { weights, biases, masks } = layers;
  const n = weights.length;
  const taped = TapeHeld.recording();
  const run = tf.customGrad((...args: Array<Tensor | tf.GradSaveFunc>) => {
    const input = args[0] as Tensor;
    const W = args.slice(1, 1 + n) as Tensor[];
    const b = args.slice(1 + n, 1 + 2 * n) as Tensor[];
    const wEff = masks ? W.map((w, l) => tf.mul(w, masks[l])) : W;
    const ins: Tensor[] = [input];
    let h = input;
    for (let l = 0; l < n; l++) {
      const z = tf.add(tf.matMul(h, wEff[l]), b[l]);
      if (l + 1 === n) {
        h = z;
      } else {
        h = tf.relu(z);
        ins.push(h);
      }
    }
    // the hidden activations and W ⊙ M are this op's own: kept on the tape until the backward pass
    // is done; x, which its caller owns, is copied (the variables W need nothing: they outlive it)
    const held = holdForBackward(taped, masks ? [...ins, ...wEff] : ins);
    const gradFunc = (dy: Tensor): Tensor[] =>
      mlpBackward(dy, held.slice(0, n), masks ? held.slice(n) : wEff, masks);
    return { value: h, gradFunc };
  });
  return run(x, ...weights, ...biases);
}

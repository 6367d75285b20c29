import { type Tensor, tf } from '../../solvers/tf.js';
import { activation } from './activations.js';
import type { Fold, TimeLayer } from './layers.js';
import { isMlpField, type MlpField } from './mlp.js';

/** What {@link mlpRegressionStep} returns. */
export interface RegressionStep {
  /** The loss, a scalar: mean over the batch of ‖f(t, x) − y‖² (summed over dimensions). */
  loss: Tensor;
  /** ∂loss/∂θ for every variable of the field, in `field.params` order and shapes. */
  grads: Tensor[];
}

/**
 * Whether {@link mlpRegressionStep} can run `field`: a plain {@link mlpField} without a context.
 *
 * @param field Any field.
 */
export function canRegress(field: MlpField): boolean {
  return isMlpField(field) && field.config.contextDim === 0;
}

/** One layer's forward values that its backward pass reads. */
interface Saved {
  layer: TimeLayer;
  fold: Fold;
  /** The layer's input u (the previous activation's core value, or x). */
  input: Tensor;
  /** Effective weights w̃ = α·c·W. */
  w: Tensor;
  /** u·w̃ + b̃ before the gate (gated layers only). */
  p: Tensor | null;
  gate: Tensor | null;
  /** The activation's derivative g'(z̃) after this layer (not for the last layer). */
  du: Tensor | null;
}

/**
 * Σ_b w_b·δ_b as a [dout] vector, times s, for weights w `[1, B]` (a row of ones: the column sum;
 * the times tᵀ: the gradient of a per-example time term s·t·v). A [1, B]·[B, dout] matMul: on
 * wasm `tf.sum(δ, 0)` transposes δ first and costs ~100× more at B = 1024.
 */
function weightedSum(w: Tensor, delta: Tensor, s: number): Tensor {
  const g = tf.reshape(tf.matMul(w, delta), [-1]);
  return s === 1 ? g : tf.mul(g, s);
}

/**
 * The regression loss L = mean_b ‖f(t_b, x_b) − y_b‖² of an {@link mlpField} at one time per
 * example and its gradients with respect to all the field's variables, by a hand-written
 * first-order backward pass: no tape, no tf.grad, a few kernels per layer (forward: the layer's
 * per-example weights, one matMul and a bias add (tf.fused.matMul reshapes to rank 3 around its kernel: 4 engine kernels instead of 2), the activation core; backward: two matMuls and a
 * column sum per layer, plus the gate's and the time term's). Flow matching's training step is
 * exactly this (src/flowmatch), so each iteration dispatches ~⅓ of the kernels tfjs autodiff
 * records for the same loss.
 *
 * The layers' forward pieces are the field's own ({@link TimeLayer.perExample}: the weights with
 * the activations' affine maps folded in); the gradients reach the variables by their names
 * ({@link TimeLayer.weights}): for a layer with fold (α, β, c), w̃ = α·c·W and
 * b̃ = c·(b + β·1ᵀW), so ∂L/∂W = α·c·∂L/∂w̃ + c·β·1⊗∂L/∂b̃ and ∂L/∂b = c·∂L/∂b̃; a time term
 * c·t·v gives ∂L/∂v = c·Σ_b t_b·δ_b; a gate σ(t·g + c_g) gives ∂L/∂g = Σ_b t_b·ε_b and
 * ∂L/∂c_g = Σ_b ε_b with ε = δ ⊙ p ⊙ gate ⊙ (1 − gate).
 *
 * Returns undefined for a field this cannot run (not a plain mlpField, or one with a context);
 * callers then use tfjs autodiff.
 *
 * @param field The field (an {@link mlpField} without context).
 * @param t Per-example times `[B, 1]`.
 * @param x Inputs `[B, D]`.
 * @param y Regression targets `[B, D]`.
 */
export function mlpRegressionStep(
  field: MlpField,
  t: Tensor,
  x: Tensor,
  y: Tensor,
): RegressionStep | undefined {
  if (!canRegress(field)) return undefined;
  const batch = x.shape[0];
  if (x.rank !== 2 || x.shape[1] !== field.dim || y.rank !== 2 || y.shape[1] !== field.dim) {
    throw new Error(
      `mlpRegressionStep: x has shape [${x.shape.join(', ')}] and y [${y.shape.join(', ')}]; expected [B, ${field.dim}] both`,
    );
  }
  if (t.rank !== 2 || t.shape[0] !== batch || t.shape[1] !== 1 || y.shape[0] !== batch) {
    throw new Error(
      `mlpRegressionStep: t has shape [${t.shape.join(', ')}] (y has ${y.shape[0]} rows); expected [${batch}, 1] and ${batch}`,
    );
  }
  const act = activation(field.config.activation);
  const layers = field.layers;
  return tf.tidy(() => {
    // forward, keeping what the backward pass reads
    const saved: Saved[] = [];
    let u = x;
    let fold: Fold = { alpha: 1, beta: 0, c: 1 };
    let out: Tensor = x;
    layers.forEach((layer, i) => {
      const last = i === layers.length - 1;
      fold = { alpha: fold.alpha, beta: fold.beta, c: last ? 1 : act.c };
      const pe = layer.perExample(t, fold);
      const p = tf.add(tf.matMul(u, pe.w), pe.b);
      let z = pe.gate === null ? p : tf.mul(p, pe.gate);
      if (pe.shift !== null) z = tf.add(z, pe.shift);
      const s: Saved = {
        layer,
        fold,
        input: u,
        w: pe.w,
        p: pe.gate === null ? null : p,
        gate: pe.gate,
        du: null,
      };
      saved.push(s);
      if (last) {
        out = z;
      } else {
        const core = act.core(z);
        s.du = core.du;
        u = core.u;
        fold = { alpha: act.alpha, beta: act.beta, c: 1 };
      }
    });
    const diff = tf.sub(out, y);
    const loss = tf.mean(tf.sum(tf.square(diff), 1));
    // backward: δ = ∂L/∂z̃ of the current layer
    let delta = tf.mul(diff, 2 / batch);
    const ones = tf.ones([1, batch]);
    const tRow = tf.reshape(t, [1, batch]);
    const grads = new Map<tf.Variable, Tensor>();
    for (let i = saved.length - 1; i >= 0; i--) {
      const { layer, fold: f, input, w, p, gate } = saved[i];
      const { W, b, time, gate: gateVars } = layer.weights;
      if (time !== null) grads.set(time, weightedSum(tRow, delta, f.c));
      let dp = delta;
      if (gate !== null && p !== null && gateVars !== null) {
        dp = tf.mul(delta, gate);
        const eps = tf.mul(tf.mul(dp, p), tf.sub(1, gate));
        grads.set(gateVars.g, weightedSum(tRow, eps, 1));
        grads.set(gateVars.c, weightedSum(ones, eps, 1));
      }
      // uᵀ·dp transposes u on wasm (src/wasm/matmul.ts); when the layer narrows (the output layer,
      // dout ≪ din) transposing the narrow dp and the small product is cheaper: (dpᵀ·u)ᵀ
      const dw =
        layer.dout < layer.din
          ? tf.transpose(tf.matMul(dp, input, true, false))
          : tf.matMul(input, dp, true, false);
      const db = weightedSum(ones, dp, 1);
      const s = f.alpha * f.c;
      let dW = s === 1 ? dw : tf.mul(dw, s);
      if (f.beta !== 0) dW = tf.add(dW, tf.mul(db, f.c * f.beta));
      grads.set(W, dW);
      grads.set(b, f.c === 1 ? db : tf.mul(db, f.c));
      if (i > 0) {
        const du = saved[i - 1].du;
        if (du === null) throw new Error('mlpRegressionStep: missing activation derivative');
        delta = tf.mul(tf.matMul(dp, w, false, true), du);
      }
    }
    const list = field.params.map((v) => {
      const g = grads.get(v);
      if (g === undefined) throw new Error(`mlpRegressionStep: no gradient for variable '${v.name}'`);
      return g;
    });
    return { loss, grads: list };
  });
}

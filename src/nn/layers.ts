import { type Tensor, tf } from '../../solvers/tf.js';
import { type Uniform, uniformVariable } from './init.js';

/**
 * How time enters the layers: FFJORD's `concat` and `concatsquash` (every layer), or `mlp`,
 * torchcfm's `MLP(time_varying=True)`: t concatenated to the input only ([x, t] → Linear), the
 * later layers plain Linear.
 */
export type LayerKind = 'concat' | 'concatsquash' | 'mlp';

/** The layer kinds, for validation and help text. */
export const LAYER_KINDS: readonly LayerKind[] = ['concat', 'concatsquash', 'mlp'];

/** The affine maps folded into a layer's weights (see `Activation`). */
export interface Fold {
  /** Output scale α of the previous activation (1 for the network input). */
  readonly alpha: number;
  /** Output shift β of the previous activation (0 for the network input). */
  readonly beta: number;
  /** Input scale c of this layer's activation (1 for the output layer). */
  readonly c: number;
}

/**
 * A layer z = layer(t, a) that is affine in its input a at each time t. `effective` returns the
 * weights and bias of that affine map at time t, with the previous activation's α, β and this
 * activation's c folded in, so that z̃ = u·w + b where u is the previous activation's core value.
 * Both the value (fused matMul + bias) and the tangents (matMul, no bias) use the same `w`.
 */
export interface TimeLayer {
  /** How time enters: `'concat'`, `'concatsquash'`, or `'linear'` (not at all: the later layers of `mlp`). */
  readonly kind: LayerKind | 'linear';
  /** Input width. */
  readonly din: number;
  /** Output width. */
  readonly dout: number;
  /** The layer's variables. */
  readonly params: readonly tf.Variable[];
  /** The same variables by name (the fused CNF op reads them so, never by position). */
  readonly weights: LayerWeights;
  /**
   * Effective `w` [din, dout] and `b` [dout] at time t (a scalar tensor).
   *
   * @param t Time, a scalar tensor.
   * @param fold The previous activation's output scale and shift, folded into the weights.
   */
  effective(
    t: Tensor,
    fold: Fold,
  ): {
    /** Effective weights `[din, dout]`. */
    w: Tensor;
    /** Effective bias `[dout]`. */
    b: Tensor;
  };
  /**
   * The layer at one time per example, t [B, 1]: z̃ = (u·w + b) ⊙ gate + shift with `w` [din, dout]
   * and `b` [dout] independent of t, `gate` [B, dout] (or null: no gate) and `shift` [B, dout]
   * (or null: no time term).
   * Tangents: dz̃ = (v·w) ⊙ gate.
   *
   * @param t Per-example times `[B, 1]`.
   * @param fold The previous activation's output scale and shift, folded into the weights.
   */
  perExample(t: Tensor, fold: Fold): PerExample;
}

/**
 * A layer's variables by name: z = (a·W + b) ⊙ gate(t) + t·time, with gate(t) = σ(t·g + c) for
 * concatsquash (`gate` null for concat, whose time term is W's t-row w_t).
 */
export interface LayerWeights {
  /** W [din, dout]. */
  readonly W: tf.Variable;
  /** b [dout]. */
  readonly b: tf.Variable;
  /** The time coefficients [dout]: w_t (concat) or d (concatsquash); null for a plain linear layer. */
  readonly time: tf.Variable | null;
  /** The gate's g and c [dout] (concatsquash), or null. */
  readonly gate: {
    /** Gate weights g `[dout]`. */
    readonly g: tf.Variable;
    /** Gate bias c `[dout]`. */
    readonly c: tf.Variable;
  } | null;
}

/** A layer at per-example times (see {@link TimeLayer.perExample}). */
export interface PerExample {
  w: Tensor;
  b: Tensor;
  gate: Tensor | null;
  shift: Tensor | null;
}

/** t [B, 1] times the row vector v [n] scaled by s: [B, n] (a [B,1]×[1,n] matMul, no broadcast op). */
function outer(t: Tensor, v: Tensor, s: number): Tensor {
  const row = tf.reshape(s === 1 ? v : tf.mul(v, s), [1, -1]);
  return tf.matMul(t, row);
}

/**
 * Folds the previous activation's α, β and this activation's c into a layer's weights and bias:
 * with a = α·u + β, c·(a·W + b) = u·(α·c·W) + c·(b + β·1ᵀW). The one definition of the fold
 * (the layers' `effective`/`perExample` and the fused CNF op's per-solve tensors use it).
 *
 * @param w Weights `[din, dout]`.
 * @param b Bias `[dout]`.
 * @param fold The scales and shift to fold in.
 */
export function foldInput(w: Tensor, b: Tensor, fold: Fold): { w: Tensor; b: Tensor } {
  // a = α·u + β  ⇒  a·W + b = u·(αW) + (b + β·1ᵀW)
  let bias = b;
  if (fold.beta === -1) bias = tf.sub(bias, tf.sum(w, 0));
  else if (fold.beta !== 0) bias = tf.add(bias, tf.mul(tf.sum(w, 0), tf.scalar(fold.beta)));
  const s = fold.alpha * fold.c;
  const weight = s === 1 ? w : tf.mul(w, tf.scalar(s));
  if (fold.c !== 1) bias = tf.mul(bias, tf.scalar(fold.c));
  return { w: weight, b: bias };
}

/**
 * FFJORD's ConcatLinear: W·[a, t] + b, with t folded into the bias (W_a·a + (b + t·w_t)), so no
 * concat op runs. Parameters: W [din, dout], w_t [dout], b [dout], PyTorch's default
 * initialisation U(±1/√(din + 1)).
 */
export function concatLayer(din: number, dout: number, rng: Uniform): TimeLayer {
  const bound = 1 / Math.sqrt(din + 1);
  const W = uniformVariable(rng, [din, dout], bound);
  const wt = uniformVariable(rng, [dout], bound);
  const b = uniformVariable(rng, [dout], bound);
  return {
    kind: 'concat',
    din,
    dout,
    params: [W, wt, b],
    weights: { W, b, time: wt, gate: null },
    effective: (t, fold) => foldInput(W, tf.add(b, tf.mul(wt, t)), fold),
    perExample: (t, fold) => {
      const { w, b: bias } = foldInput(W, b, fold);
      return { w, b: bias, gate: null, shift: outer(t, wt, fold.c) };
    },
  };
}

/**
 * FFJORD's ConcatSquashLinear: (W·a + b)·σ(g·t + c) + d·t, with per-unit scalars g, c, d, so the
 * time part is a [dout] vector. The gate is folded into the weights: a·(W ⊙ gate) +
 * (b ⊙ gate + d·t). Parameters: W [din, dout], b [dout] (U(±1/√din)), g, c, d [dout] (U(±1)).
 */
export function concatSquashLayer(din: number, dout: number, rng: Uniform): TimeLayer {
  const bound = 1 / Math.sqrt(din);
  const W = uniformVariable(rng, [din, dout], bound);
  const b = uniformVariable(rng, [dout], bound);
  const g = uniformVariable(rng, [dout], 1);
  const c = uniformVariable(rng, [dout], 1);
  const d = uniformVariable(rng, [dout], 1);
  return {
    kind: 'concatsquash',
    din,
    dout,
    params: [W, b, g, c, d],
    weights: { W, b, time: d, gate: { g, c } },
    effective: (t, fold) => {
      const gate = tf.sigmoid(tf.add(tf.mul(g, t), c));
      const w = tf.mul(W, gate);
      // β·1ᵀ(W ⊙ gate) = (β·1ᵀW) ⊙ gate: foldInput applies it to the gated weights.
      return foldInput(w, tf.add(tf.mul(b, gate), tf.mul(d, t)), fold);
    },
    perExample: (t, fold) => {
      // c·((α·u·W + β·1ᵀW + b) ⊙ gate + d·t): the fold applies to W and b before the gate
      const { w, b: bias } = foldInput(W, b, fold);
      const gate = tf.sigmoid(tf.add(outer(t, g, 1), c));
      return { w, b: bias, gate, shift: outer(t, d, fold.c) };
    },
  };
}

/**
 * A plain Linear layer a·W + b (no time), PyTorch's default initialisation U(±1/√din): the
 * layers after the first of an `mlp` field.
 */
export function linearLayer(din: number, dout: number, rng: Uniform): TimeLayer {
  const bound = 1 / Math.sqrt(din);
  const W = uniformVariable(rng, [din, dout], bound);
  const b = uniformVariable(rng, [dout], bound);
  return {
    kind: 'linear',
    din,
    dout,
    params: [W, b],
    weights: { W, b, time: null, gate: null },
    effective: (_t, fold) => foldInput(W, b, fold),
    perExample: (_t, fold) => ({ ...foldInput(W, b, fold), gate: null, shift: null }),
  };
}

/**
 * Layer `index` of a field of the given kind (`mlp`: a concat layer first, then plain Linear).
 *
 * @param kind The field's layer kind.
 * @param din Input width.
 * @param dout Output width.
 * @param rng Initialisation draws.
 * @param index Position of the layer, input first. Default 0.
 */
export function timeLayer(kind: LayerKind, din: number, dout: number, rng: Uniform, index = 0): TimeLayer {
  if (kind === 'concat') return concatLayer(din, dout, rng);
  if (kind === 'concatsquash') return concatSquashLayer(din, dout, rng);
  if (kind === 'mlp') return index === 0 ? concatLayer(din, dout, rng) : linearLayer(din, dout, rng);
  throw new Error(`unknown layer '${String(kind)}': expected one of ${LAYER_KINDS.join(', ')}`);
}

/**
 * A layer's tangents: dz̃ = v·w for tangents v [K, B, din] (one 2-D matMul between reshapes);
 * identity tangents (the unit vectors e_k): row k of w, as [din, 1, dout]. The one definition of
 * the tangent propagation (the field's `jvp` and the fused CNF op use it).
 *
 * @param layer The layer (its `din`, `dout`).
 * @param w The layer's effective weights `[din, dout]` at this time.
 * @param v Tangents `[K, B, din]`, or `'identity'`.
 */
export function layerTangents(
  layer: Pick<TimeLayer, 'din' | 'dout'>,
  w: Tensor,
  v: 'identity' | Tensor,
): Tensor {
  if (v === 'identity') return tf.reshape(w, [layer.din, 1, layer.dout]);
  const [k, batch] = v.shape;
  return tf.reshape(tf.matMul(tf.reshape(v, [k * batch, layer.din]), w), [k, batch, layer.dout]);
}

import { type Tensor, tf } from '../../solvers/tf.js';
import type { OdeModule } from '../../solvers/types.js';
import { ACTIVATIONS, type Activation, type ActivationName, activation } from './activations.js';
import { uniformRng, uniformVariable } from './init.js';
import {
  type Fold,
  LAYER_KINDS,
  type LayerKind,
  layerTangents,
  type TimeLayer,
  timeLayer,
} from './layers.js';

/** Options of {@link mlpField}. */
export interface MlpFieldOptions {
  /** Dimension D of x (input and output width). */
  dim: number;
  /** Hidden widths. Default [64, 64, 64] (FFJORD's toy setting). */
  hidden?: readonly number[];
  /** Time-dependent layer kind. Default 'concatsquash'. */
  layer?: LayerKind;
  /** Activation between layers. Default 'tanh'. */
  activation?: ActivationName;
  /** Seed of the initialisation; the same seed gives the same weights. Default 0. */
  seed?: number;
  /**
   * Width C of a context c `[B, C]` the field reads: f(t, x, c). It enters the first layer's
   * pre-activation as c·W_c (W_c [C, H₁], drawn after the layers' weights), constant in x, so the
   * tangents are unchanged. Default 0 (f(t, x)).
   */
  contextDim?: number;
}

/** {@link MlpFieldOptions} with every default filled in. */
export type MlpFieldConfig = Required<MlpFieldOptions> & {
  /** Hidden widths (a mutable copy). */
  hidden: number[];
};

/**
 * Tangents to push through the field: `'identity'` (all D unit vectors, for the exact
 * divergence / Jacobian; the first layer then needs no matMul) or a tensor [K, B, D].
 */
export type Tangents = 'identity' | Tensor;

/** What {@link VectorField.jvp} returns. */
export interface JvpResult {
  /** f(t, x), [B, D]. */
  f: Tensor;
  /** J·V, [K, B, D] (K = D for `'identity'`: row k is J·e_k, i.e. column k of J). */
  jv: Tensor;
}

/** Options of {@link VectorField.jvp}. */
export interface JvpOptions {
  /**
   * Extra trailing columns of x that the field ignores (the CNF's packed state
   * [x, log-det, regularizers]); the first layer gets zero weight rows for them, no slice op.
   * Default 0.
   */
  inputPad?: number;
  /** The context c `[B, C]` of a field with `contextDim` C > 0. */
  context?: Tensor;
}

/**
 * A time-dependent MLP vector field f(t, x): callable as an {@link OdeModule} (`f(t, x)` with
 * `.params`), with forward-mode Jacobian-vector products by tangent propagation.
 */
export interface VectorField extends OdeModule {
  /**
   * f(t, x), or f(t, x, c) for a field with a context.
   *
   * @param t Time.
   * @param x State `[B, D]`.
   * @param context Context `[B, C]` of a field with `contextDim` C > 0.
   */
  (t: number, x: Tensor, context?: Tensor): Tensor;
  /** Dimension D of the state. */
  readonly dim: number;
  /** The layers, input first. */
  readonly layers: readonly TimeLayer[];
  /** The options it was built from (defaults filled), to rebuild it. */
  readonly config: MlpFieldConfig;
  /**
   * f(t, x) and J·V, where J = ∂f/∂x at (t, x): tangents travel alongside the activations
   * (layer: v·W; activation: times g'(z)). Ordinary first-order tfjs ops throughout, so the
   * result can be backpropagated with first-order autodiff.
   *
   * @param t Time.
   * @param x State `[B, D]` (plus `inputPad` ignored trailing columns).
   * @param tangents `'identity'` or a tensor `[K, B, D]`.
   * @param options Input padding and context; see {@link JvpOptions}.
   */
  jvp(t: number, x: Tensor, tangents: Tangents, options?: JvpOptions): JvpResult;
}

function check(ok: boolean, what: string): void {
  if (!ok) throw new Error(`mlpField: ${what}`);
}

/**
 * Fills the defaults of {@link MlpFieldOptions} and validates them.
 *
 * @param o The options as given to {@link mlpField}.
 */
export function resolveMlpOptions(o: MlpFieldOptions): MlpFieldConfig {
  const c: MlpFieldConfig = {
    dim: o.dim,
    hidden: [...(o.hidden ?? [64, 64, 64])],
    layer: o.layer ?? 'concatsquash',
    activation: o.activation ?? 'tanh',
    seed: o.seed ?? 0,
    contextDim: o.contextDim ?? 0,
  };
  check(Number.isInteger(c.dim) && c.dim > 0, `dim = ${c.dim} is invalid: expected a whole number > 0`);
  check(
    c.hidden.every((h) => Number.isInteger(h) && h > 0),
    `hidden = [${c.hidden.join(', ')}] is invalid: expected whole numbers > 0`,
  );
  check(
    LAYER_KINDS.includes(c.layer),
    `layer = '${c.layer}' is invalid: expected ${LAYER_KINDS.join(' or ')}`,
  );
  check(
    ACTIVATIONS.includes(c.activation),
    `activation = '${c.activation}' is invalid: expected one of ${ACTIVATIONS.join(', ')}`,
  );
  check(Number.isFinite(c.seed), `seed = ${c.seed} is invalid: expected a finite number`);
  check(
    Number.isInteger(c.contextDim) && c.contextDim >= 0,
    `contextDim = ${c.contextDim} is invalid: expected a whole number ≥ 0`,
  );
  return c;
}

/** A time: one for the whole batch (JS number) or one per example (tensor [B, 1]). */
export type Time = number | Tensor;

/** One layer's pre-activation z̃ [B, dout] and the tangents dz̃ [K, B, dout] (or [din, 1, dout] for identity). */
interface LayerOut {
  z: Tensor;
  dz: Tensor;
}

/** One layer at a single time: the gate is folded into the weights, one fused matMul. */
function layerAtScalar(
  layer: TimeLayer,
  tS: Tensor,
  fold: Fold,
  u: Tensor,
  v: Tangents | false,
  pad: number,
): LayerOut {
  const { w, b } = layer.effective(tS, fold);
  const z = tf.fused.matMul({ a: u, b: padRows(w, pad), bias: b });
  return { z, dz: v === false ? z : layerTangents(layer, w, v) };
}

/** w with `pad` zero rows appended (the ignored input columns). */
function padRows(w: Tensor, pad: number): Tensor {
  return pad > 0
    ? tf.pad(w, [
        [0, pad],
        [0, 0],
      ])
    : w;
}

/** One layer at per-example times t [B, 1]: z̃ = (u·w + b) ⊙ gate + shift, dz̃ = (v·w) ⊙ gate. */
function layerAtTensor(
  layer: TimeLayer,
  t: Tensor,
  fold: Fold,
  u: Tensor,
  v: Tangents | false,
  pad: number,
): LayerOut {
  const { w, b, gate, shift } = layer.perExample(t, fold);
  let z = tf.fused.matMul({ a: u, b: padRows(w, pad), bias: b });
  let dz = v === false ? null : layerTangents(layer, w, v);
  if (gate !== null) {
    z = tf.mul(z, gate);
    if (dz !== null) dz = tf.mul(dz, gate);
  }
  if (shift !== null) z = tf.add(z, shift);
  return { z, dz: dz ?? z };
}

/** Runs the network on values and (unless `tangents` is false) tangents. */
function propagate(
  layers: readonly TimeLayer[],
  act: Activation,
  t: Time,
  x: Tensor,
  tangents: Tangents | false,
  inputPad: number,
  contextTerm: Tensor | null,
): JvpResult {
  const tS = typeof t === 'number' ? tf.scalar(t) : t;
  const run = typeof t === 'number' ? layerAtScalar : layerAtTensor;
  const batch = x.shape[0];
  let u = x;
  let v: Tangents | false = tangents;
  let fold = { alpha: 1, beta: 0 };
  for (let i = 0; i < layers.length; i++) {
    const last = i === layers.length - 1;
    const layer = layers[i];
    const out = run(layer, tS, { ...fold, c: last ? 1 : act.c }, u, v, i === 0 ? inputPad : 0);
    const dz = out.dz;
    // the context's share of the first pre-activation (scaled like the layer: by this activation's c)
    const z =
      i === 0 && contextTerm !== null
        ? tf.add(out.z, last ? contextTerm : tf.mul(contextTerm, act.c))
        : out.z;
    if (last) {
      // no tangents: no J·V (a broadcast here would build a [B, B, D] block from the value)
      if (v === false) return { f: z, jv: z };
      const full = dz.shape[1] === batch ? dz : tf.broadcastTo(dz, [dz.shape[0], batch, layer.dout]);
      return { f: z, jv: full };
    }
    const { u: un, du } = act.core(z);
    if (v !== false) v = tf.mul(dz, du);
    u = un;
    fold = { alpha: act.alpha, beta: act.beta };
  }
  throw new Error('mlpField: no layers');
}

const PLAIN = new WeakSet<object>();

/**
 * True for a field made by {@link mlpField} itself (not a wrapper that reuses its layers): its
 * value is exactly the layers' composition, so code may evaluate the layers directly.
 *
 * @param f Any vector field.
 */
export function isMlpField(f: VectorField): f is MlpField {
  return PLAIN.has(f);
}

/**
 * The field {@link mlpField} returns: a {@link VectorField} whose call and `jvp` also accept one
 * time per example, t as a tensor [B, 1] (flow matching trains with per-example times). A number
 * t takes the fast path (time-dependent weights computed once for the batch).
 */
export interface MlpField extends VectorField {
  /**
   * f(t, x) with t a number or per-example times `[B, 1]`.
   *
   * @param t Time: a number or a tensor `[B, 1]`.
   * @param x State `[B, D]`.
   * @param context Context `[B, C]` of a field with `contextDim` C > 0.
   */
  (t: Time, x: Tensor, context?: Tensor): Tensor;
  /**
   * {@link VectorField.jvp} with t a number or a tensor [B, 1].
   *
   * @param t Time: a number or a tensor `[B, 1]`.
   * @param x State `[B, D]` (plus `inputPad` ignored trailing columns).
   * @param tangents `'identity'` or a tensor `[K, B, D]`.
   * @param options Input padding and context; see {@link JvpOptions}.
   */
  jvp(t: Time, x: Tensor, tangents: Tangents, options?: JvpOptions): JvpResult;
}

/**
 * A time-dependent MLP vector field R × R^D → R^D, layers [D, ...hidden, D] of the given kind
 * with the activation between them, as FFJORD's ODEnet. Deterministic given `seed`.
 *
 * @example
 * const f = mlpField({ dim: 2, hidden: [64, 64, 64], layer: 'concatsquash', activation: 'tanh' });
 * const dx = f(0.1, x); // [B, 2]
 *
 * @param options Data dimension `dim` (required), `hidden` widths, `layer` kind, `activation`, `seed`: see {@link MlpFieldOptions}.
 */
export function mlpField(options: MlpFieldOptions): MlpField {
  const config = resolveMlpOptions(options);
  const rng = uniformRng(config.seed);
  const widths = [config.dim, ...config.hidden, config.dim];
  const layers = widths.slice(1).map((w, i) => timeLayer(config.layer, widths[i], w, rng, i));
  const act = activation(config.activation);
  const contextWeights =
    config.contextDim > 0
      ? uniformVariable(rng, [config.contextDim, widths[1]], 1 / Math.sqrt(config.dim + config.contextDim))
      : null;
  const params = [...layers.flatMap((l) => l.params), ...(contextWeights ? [contextWeights] : [])];
  const contextTerm = (x: Tensor, c: Tensor | undefined): Tensor | null => {
    if (contextWeights === null) {
      if (c !== undefined) throw new Error('field: a context was given, but the field has contextDim 0');
      return null;
    }
    if (c === undefined || c.rank !== 2 || c.shape[0] !== x.shape[0] || c.shape[1] !== config.contextDim) {
      throw new Error(
        `field context has shape [${c?.shape.join(', ') ?? ''}]; expected [${x.shape[0]}, ${config.contextDim}]`,
      );
    }
    return tf.matMul(c, contextWeights);
  };
  const checkInput = (t: Time, x: Tensor, pad: number): void => {
    if (x.rank !== 2 || x.shape[1] !== config.dim + pad) {
      throw new Error(
        `field input has shape [${x.shape.join(', ')}]; expected [B, ${config.dim + pad}] (dim ${config.dim} + ${pad} ignored columns)`,
      );
    }
    if (typeof t !== 'number' && (t.rank !== 2 || t.shape[0] !== x.shape[0] || t.shape[1] !== 1)) {
      throw new Error(
        `field time has shape [${t.shape.join(', ')}]; expected a number or a tensor [${x.shape[0]}, 1] (one time per example)`,
      );
    }
  };
  const jvp = (t: Time, x: Tensor, tangents: Tangents, o: JvpOptions = {}): JvpResult => {
    const pad = o.inputPad ?? 0;
    checkInput(t, x, pad);
    return tf.tidy(() => {
      const { f, jv } = propagate(layers, act, t, x, tangents, pad, contextTerm(x, o.context));
      return { f, jv };
    });
  };
  const value = (t: Time, x: Tensor, context?: Tensor): Tensor => {
    checkInput(t, x, 0);
    return tf.tidy(() => propagate(layers, act, t, x, false, 0, contextTerm(x, context)).f);
  };
  const field: MlpField = Object.assign(value, { params, dim: config.dim, layers, config, jvp });
  PLAIN.add(field);
  return field;
}

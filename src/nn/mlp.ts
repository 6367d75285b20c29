import { type Tensor, tf } from '../../solvers/tf.js';
import type { OdeModule } from '../../solvers/types.js';
import { ACTIVATIONS, type Activation, type ActivationName, activation } from './activations.js';
import { uniformRng } from './init.js';
import { LAYER_KINDS, type LayerKind, type TimeLayer, timeLayer } from './layers.js';

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
}

/** {@link MlpFieldOptions} with every default filled in. */
export type MlpFieldConfig = Required<MlpFieldOptions> & { hidden: number[] };

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
}

/**
 * A time-dependent MLP vector field f(t, x): callable as an {@link OdeModule} (`f(t, x)` with
 * `.params`), with forward-mode Jacobian-vector products by tangent propagation.
 */
export interface VectorField extends OdeModule {
  readonly dim: number;
  readonly layers: readonly TimeLayer[];
  /** The options it was built from (defaults filled), to rebuild it. */
  readonly config: MlpFieldConfig;
  /**
   * f(t, x) and J·V, where J = ∂f/∂x at (t, x): tangents travel alongside the activations
   * (layer: v·W; activation: times g'(z)). Ordinary first-order tfjs ops throughout, so the
   * result can be backpropagated with first-order autodiff.
   */
  jvp(t: number, x: Tensor, tangents: Tangents, options?: JvpOptions): JvpResult;
}

function check(ok: boolean, what: string): void {
  if (!ok) throw new Error(`mlpField: ${what}`);
}

/** Fills the defaults of {@link MlpFieldOptions} and validates them. */
export function resolveMlpOptions(o: MlpFieldOptions): MlpFieldConfig {
  const c: MlpFieldConfig = {
    dim: o.dim,
    hidden: [...(o.hidden ?? [64, 64, 64])],
    layer: o.layer ?? 'concatsquash',
    activation: o.activation ?? 'tanh',
    seed: o.seed ?? 0,
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
  return c;
}

/** Runs the network on values and tangents. */
function propagate(
  layers: readonly TimeLayer[],
  act: Activation,
  dim: number,
  t: number,
  x: Tensor,
  tangents: Tangents,
  inputPad: number,
): JvpResult {
  const tS = tf.scalar(t);
  const batch = x.shape[0];
  let u = x;
  let v: Tensor | null = tangents === 'identity' ? null : tangents;
  let fold = { alpha: 1, beta: 0 };
  for (let i = 0; i < layers.length; i++) {
    const last = i === layers.length - 1;
    const layer = layers[i];
    const { w, b } = layer.effective(tS, { ...fold, c: last ? 1 : act.c });
    const wIn =
      i === 0 && inputPad > 0
        ? tf.pad(w, [
            [0, inputPad],
            [0, 0],
          ])
        : w;
    const z = tf.fused.matMul({ a: u, b: wIn, bias: b });
    let dz: Tensor;
    if (v === null) {
      // identity tangents: e_k·W is row k of W, the same for every sample
      dz = tf.reshape(w, [layer.din, 1, layer.dout]);
      if (last) dz = tf.broadcastTo(dz, [layer.din, batch, layer.dout]);
    } else {
      const k = v.shape[0];
      dz = tf.reshape(tf.matMul(tf.reshape(v, [k * batch, layer.din]), w), [k, batch, layer.dout]);
    }
    if (last) return { f: z, jv: dz };
    const { u: un, du } = act.core(z);
    v = tf.mul(dz, du);
    u = un;
    fold = { alpha: act.alpha, beta: act.beta };
  }
  throw new Error(`mlpField: no layers (dim ${dim})`);
}

/**
 * A time-dependent MLP vector field R × R^D → R^D, layers [D, ...hidden, D] of the given kind
 * with the activation between them, as FFJORD's ODEnet. Deterministic given `seed`.
 *
 * @example
 * const f = mlpField({ dim: 2, hidden: [64, 64, 64], layer: 'concatsquash', activation: 'tanh' });
 * const dx = f(0.1, x); // [B, 2]
 */
export function mlpField(options: MlpFieldOptions): VectorField {
  const config = resolveMlpOptions(options);
  const rng = uniformRng(config.seed);
  const widths = [config.dim, ...config.hidden, config.dim];
  const layers = widths.slice(1).map((w, i) => timeLayer(config.layer, widths[i], w, rng));
  const act = activation(config.activation);
  const params = layers.flatMap((l) => l.params);
  const jvp = (t: number, x: Tensor, tangents: Tangents, o: JvpOptions = {}): JvpResult => {
    const pad = o.inputPad ?? 0;
    if (x.rank !== 2 || x.shape[1] !== config.dim + pad) {
      throw new Error(
        `field input has shape [${x.shape.join(', ')}]; expected [B, ${config.dim + pad}] (dim ${config.dim} + ${pad} ignored columns)`,
      );
    }
    return propagate(layers, act, config.dim, t, x, tangents, pad);
  };
  const value = (t: number, x: Tensor): Tensor =>
    tf.tidy(() => {
      // value only: the same layers without tangents
      const tS = tf.scalar(t);
      let u = x;
      let fold = { alpha: 1, beta: 0 };
      for (let i = 0; i < layers.length; i++) {
        const last = i === layers.length - 1;
        const { w, b } = layers[i].effective(tS, { ...fold, c: last ? 1 : act.c });
        const z = tf.fused.matMul({ a: u, b: w, bias: b });
        if (last) return z;
        u = act.core(z).u;
        fold = { alpha: act.alpha, beta: act.beta };
      }
      return u;
    });
  return Object.assign(value, { params, dim: config.dim, layers, config, jvp });
}

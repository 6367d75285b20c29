import { type Tensor, tf } from '../../solvers/tf.js';
import type { OdeFunc } from '../../solvers/types.js';
import { activation } from '../nn/activations.js';
import { foldInput } from '../nn/layers.js';
import { isMlpField, type VectorField } from '../nn/mlp.js';
import type { StateLayout } from './dynamics.js';
import { buildFusedOp } from './fused-op.js';
import { type ActivationCore, activationCore, type FusedParams } from './fused-spec.js';

/**
 * The per-solve tensors of a fused CNF dynamics: derived once per solve from the field's
 * variables by ordinary (taped) ops, so the gradient reaches the variables through them once per
 * solve rather than once per evaluation. Layer l at time t is z̃ = u·(A_l ⊙ gate_l) +
 * (e_l ⊙ gate_l + t·p_l) with gate_l = σ(t·g_l + c_l) (concatsquash; ≡ 1 for concat), where the
 * previous activation's α, β and this activation's input scale are already folded into A, e, p.
 */

/** Builds the per-solve tensors (`FusedParams`; A_0 has `pad` zero rows appended, the ignored state columns) from the variables (taped ops, once per solve). */
function prepare(field: VectorField, act: ActivationCore, pad: number): FusedParams {
  const layers = field.layers;
  const A: Tensor[] = [];
  const e: Tensor[] = [];
  const p: Tensor[] = [];
  const g: Tensor[] = [];
  const c: Tensor[] = [];
  let alpha = 1;
  let beta = 0;
  layers.forEach((layer, l) => {
    const last = l === layers.length - 1;
    const scale = last ? 1 : act.activation.c;
    const { W, b, time, gate } = layer.weights;
    // the layers' own fold of α, β, c (gate-free: β·1ᵀ(W ⊙ gate) = (β·1ᵀW) ⊙ gate)
    const folded = foldInput(W, b, { alpha, beta, c: scale });
    A.push(
      l === 0 && pad > 0
        ? tf.pad(folded.w, [
            [0, pad],
            [0, 0],
          ])
        : folded.w,
    );
    e.push(folded.b);
    // a plain linear layer (the later layers of an `mlp` field) has no time term
    const rate = time ?? tf.zeros([layer.dout]);
    p.push(scale === 1 ? rate : tf.mul(rate, scale));
    if (gate !== null) {
      g.push(gate.g);
      c.push(gate.c);
    }
    alpha = act.activation.alpha;
    beta = act.activation.beta;
  });
  const gated = g.length === layers.length;
  const vectors = [tf.concat(e), tf.concat(p), ...(gated ? [tf.concat(g), tf.concat(c)] : [])];
  return {
    A,
    e: vectors[0],
    p: vectors[1],
    g: gated ? vectors[2] : null,
    c: gated ? vectors[3] : null,
    V: tf.concat(vectors),
  };
}

/**
 * The CNF's augmented dynamics as one hand-differentiated op (tf.customGrad) per evaluation:
 * f, its tangents (exact divergence: the D unit tangents; Hutchinson: the fixed probe ε), −div f
 * and the regularizer rates, written into the packed state [x, a, kinetic?, jacobian?]. The
 * backward pass is hand-written first-order algebra (no autodiff inside, hence no nested
 * gradient): about 20 kernels per layer instead of the ~90 that autodiff records, and the
 * time-dependent weights of all layers are computed together from per-solve packed vectors.
 *
 * Returns null when the field is not a plain {@link mlpField} with an activation whose core is
 * σ or softplus (then {@link augmentedDynamics} is used). `params` are the per-solve tensors to
 * hand to the adjoint method (gradients flow from them to the variables); `constants` must be
 * kept by a caller whose gradient runs after its scope ends.
 *
 * @param field The vector field; only a plain mlpField with a σ- or softplus-based activation can be fused.
 * @param layout Column layout of the packed state.
 * @param eps Hutchinson probe `[B, D]`, or null for the exact divergence.
 */
export function fusedDynamics(
  field: VectorField,
  layout: StateLayout,
  eps: Tensor | null,
): {
  /** Dynamics of the packed state. */
  F: OdeFunc;
  /** The per-solve tensors F reads (for the adjoint method). */
  params: Tensor[];
  /** Constant tensors made for F, to keep when the gradient runs later. */
  constants: Tensor[];
} | null {
  if (!isMlpField(field)) return null;
  const act = activationCore(activation(field.config.activation));
  if (act === null) return null;
  const d = layout.dim;
  const pad = layout.width - d;
  const prep = prepare(field, act, pad);
  const epsPad =
    eps === null
      ? null
      : tf.pad(eps, [
          [0, 0],
          [0, pad],
        ]);
  const negProbe = eps === null ? tf.reshape(tf.neg(tf.eye(d)), [d, 1, d]) : tf.neg(tf.expandDims(eps, 0));
  // e, p, g, c: read by F's forward (V, packed from them, is the op's input)
  const vectors = [prep.e, prep.p, ...(prep.g && prep.c ? [prep.g, prep.c] : [])];
  const constants = [negProbe, ...(epsPad ? [epsPad] : []), ...vectors];
  const params = [...prep.A, prep.V];
  const F: OdeFunc = buildFusedOp({ act, layout, layers: field.layers, negProbe, epsPad, params: prep });
  return { F, params, constants };
}

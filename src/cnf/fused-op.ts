import { type Tensor, tf } from '../../solvers/tf.js';
import { fusedGradient } from './fused-op-grad.js';
import { packSaved, unpackSaved } from './fused-saved.js';
import type { ActivationCore, FusedSpec } from './fused-spec.js';

/**
 * Evaluates the fused dynamics at (t, y) with the per-solve tensors [A_0..A_L, e, p, g?, c?].
 *
 * @param t Time.
 * @param y Packed state `[B, S]`.
 * @param params The per-solve tensors.
 */
export type FusedOp = (t: number, y: Tensor, params: readonly Tensor[]) => Tensor;

/** Core value u, its derivative du and (for the backward pass) what gives the second derivative. */
function activate(
  act: ActivationCore,
  a: Tensor,
  w: Tensor,
  b: Tensor,
): { u: Tensor; du: Tensor; z: Tensor | null } {
  if (act.core === 'sigmoid') {
    const u = tf.fused.matMul({ a, b: w, bias: b, activation: 'sigmoid' });
    return { u, du: tf.sub(u, tf.square(u)), z: null };
  }
  const z = tf.fused.matMul({ a, b: w, bias: b });
  return { u: tf.softplus(z), du: tf.sigmoid(z), z };
}

/**
 * Builds the hand-differentiated CNF dynamics op (see `fusedDynamics`). Forward: the time
 * vectors of all layers in one set of ops, then per layer one fused matMul (+ σ) for the values
 * and one matMul for the tangents. Backward (first-order algebra only): per layer one matMul for
 * the weight gradient and one for the input gradients, values and tangents stacked together.
 *
 * @param spec Activation, layout, widths, probe and gating of the field.
 */
export function buildFusedOp(spec: FusedSpec): FusedOp {
  const { act, layout, widths, negProbe, epsPad, gated } = spec;
  const d = layout.dim;
  const nl = widths.length;
  return (t, y, params) => {
    const run = tf.customGrad((...args: Array<Tensor | tf.GradSaveFunc>) => {
      const save = args[args.length - 1] as tf.GradSaveFunc;
      const x = args[0] as Tensor;
      const A = args.slice(1, 1 + nl) as Tensor[];
      const [e, p, g, c] = args.slice(1 + nl, args.length - 1) as Tensor[];
      const batch = x.shape[0];
      const gate = gated ? tf.sigmoid(tf.add(tf.mul(g, t), c)) : null;
      const bias = tf.split(gate ? tf.add(tf.mul(e, gate), tf.mul(p, t)) : tf.add(e, tf.mul(p, t)), [
        ...widths,
      ]);
      const gates = gate ? tf.split(gate, [...widths]) : null;
      const W = A.map((a, l) => (gates ? tf.mul(a, gates[l]) : a));
      // forward, keeping what the backward pass needs
      const ins: Tensor[] = [x];
      const tins: Tensor[] = [];
      const dzs: Tensor[] = [];
      const dus: Tensor[] = [];
      let u = x;
      let v: Tensor | null = null;
      let f = x;
      let jv = x;
      for (let l = 0; l < nl; l++) {
        let dz: Tensor;
        if (l === 0) {
          dz =
            epsPad === null
              ? tf.reshape(tf.slice(W[0], [0, 0], [d, -1]), [d, 1, widths[0]])
              : tf.reshape(tf.matMul(epsPad, W[0]), [1, batch, widths[0]]);
        } else {
          const k = (v as Tensor).shape[0];
          dz = tf.reshape(tf.matMul(tf.reshape(v as Tensor, [k * batch, -1]), W[l]), [k, batch, widths[l]]);
        }
        if (l === nl - 1) {
          f = tf.fused.matMul({ a: u, b: W[l], bias: bias[l] });
          jv = dz.shape[1] === batch ? dz : tf.broadcastTo(dz, [dz.shape[0], batch, widths[l]]);
          break;
        }
        const r = activate(act, u, W[l], bias[l]);
        dzs.push(dz);
        dus.push(r.du);
        u = r.u;
        v = tf.mul(dz, r.du);
        ins.push(u);
        tins.push(v);
      }
      const out: Tensor[] = [f, tf.reshape(tf.sum(tf.mul(jv, negProbe), [0, 2]), [batch, 1])];
      if (layout.kinetic >= 0) out.push(tf.sum(tf.square(f), 1, true));
      if (layout.jacobian >= 0) out.push(tf.reshape(tf.sum(tf.square(jv), [0, 2]), [batch, 1]));
      const value = out.length === 1 ? out[0] : tf.concat(out, 1);
      save(packSaved({ A, e, gate, W, ins, tins, dzs, dus, f, jv, negProbe, epsPad }));
      const gradFunc = (dy: Tensor, saved: Tensor[]): Tensor[] =>
        fusedGradient(spec, t, dy, unpackSaved(saved, nl, gate !== null, epsPad !== null));
      return { value, gradFunc };
    });
    return run(y, ...params);
  };
}

import { holdForBackward, TapeHeld } from '../../solvers/tape.js';
import { type Tensor, tf } from '../../solvers/tf.js';
import { layerTangents } from '../nn/layers.js';
import { fusedGradient } from './fused-op-grad.js';
import { packSaved, type SavedShape, type SolveConstants, unpackSaved } from './fused-saved.js';
import type { FusedSpec } from './fused-spec.js';

/**
 * Evaluates the fused dynamics at (t, y) with the per-solve tensors of its spec.
 *
 * @param t Time.
 * @param y Packed state `[B, S]`.
 */
export type FusedOp = (t: number, y: Tensor) => Tensor;

/**
 * Builds the hand-differentiated CNF dynamics op (see `fusedDynamics`). Forward: the time
 * vectors of all layers in one set of ops, then per layer one matMul + bias and the activation's
 * own `core` (src/nn/activations.ts) for the values, and the layers' own tangent propagation
 * (`layerTangents`, src/nn/layers.ts) for the tangents. A plain matMul + add: `tf.fused.matMul`
 * dispatches four engine kernels for a 2-D product. Backward (first-order algebra only): per layer one matMul for
 * the weight gradient and one for the input gradients, values and tangents stacked together. The
 * per-solve tensors the backward reads are held once per gradient tape ({@link TapeHeld}); the
 * per-evaluation ones are kept without copies ({@link holdForBackward}).
 *
 * @param spec Activation, layout, layers, probe and per-solve tensors of the field.
 */
export function buildFusedOp(spec: FusedSpec): FusedOp {
  const { act, layout, layers, negProbe, epsPad, params } = spec;
  const widths = layers.map((layer) => layer.dout);
  const { A, e, p, g, c, V } = params;
  const d = layout.dim;
  const nl = widths.length;
  const gated = g !== null && c !== null;
  const shape: SavedShape = { nl, gated, kinetic: layout.kinetic >= 0, jacobian: layout.jacobian >= 0 };
  const held = new TapeHeld([...A, e, negProbe, ...(epsPad ? [epsPad] : [])]);
  const constants = (list: readonly Tensor[]): SolveConstants => ({
    A: list.slice(0, nl),
    e: list[nl],
    negProbe: list[nl + 1],
    epsPad: epsPad ? list[nl + 2] : null,
  });
  return (t, y) => {
    const taped = TapeHeld.recording();
    const run = tf.customGrad((...args: Array<Tensor | tf.GradSaveFunc>) => {
      const x = args[0] as Tensor;
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
          // W_0 has the ignored state columns as zero rows: its first d rows for the unit
          // tangents; the probe ε comes padded to the state width (2-D, no reshape per evaluation)
          dz =
            epsPad === null
              ? layerTangents(layers[0], tf.slice(W[0], [0, 0], [d, -1]), 'identity')
              : tf.reshape(tf.matMul(epsPad, W[0]), [1, batch, widths[0]]);
        } else {
          dz = layerTangents(layers[l], W[l], v as Tensor);
        }
        if (l === nl - 1) {
          f = tf.add(tf.matMul(u, W[l]), bias[l]);
          jv = dz.shape[1] === batch ? dz : tf.broadcastTo(dz, [dz.shape[0], batch, widths[l]]);
          break;
        }
        const r = act.activation.core(tf.add(tf.matMul(u, W[l]), bias[l]));
        dzs.push(dz);
        dus.push(r.du);
        u = r.u;
        v = tf.mul(dz, r.du);
        ins.push(u);
        tins.push(v);
      }
      const out: Tensor[] = [f, tf.reshape(tf.sum(tf.mul(jv, negProbe), [0, 2]), [batch, 1])];
      if (shape.kinetic) out.push(tf.sum(tf.square(f), 1, true));
      if (shape.jacobian) out.push(tf.reshape(tf.sum(tf.square(jv), [0, 2]), [batch, 1]));
      const value = out.length === 1 ? out[0] : tf.concat(out, 1);
      // held for this tape without tfjs's per-evaluation copies (`save` clones each tensor)
      const kept = holdForBackward(
        taped,
        packSaved({
          A,
          e,
          negProbe,
          epsPad,
          gate,
          W,
          ins,
          tins,
          dzs,
          dus,
          f: shape.kinetic ? f : null,
          jv: shape.jacobian ? jv : null,
        }),
      );
      // the per-solve constants: their copies for this tape (made on its first evaluation)
      const solve = constants(held.get(taped));
      const gradFunc = (dy: Tensor): Tensor[] => fusedGradient(spec, t, dy, unpackSaved(kept, shape, solve));
      return { value, gradFunc };
    });
    return run(y, ...A, V);
  };
}

import { type Tensor, tf } from '../../solvers/tf.js';
import type { FusedSaved } from './fused-saved.js';
import type { ActivationCore, FusedSpec } from './fused-spec.js';

/** g''(z̃)/g'(z̃) from the saved core value u and derivative du: σ: 1 − 2u; softplus: 1 − du. */
function curvature(act: ActivationCore, u: Tensor, du: Tensor): Tensor {
  return act.core === 'sigmoid' ? tf.sub(1, tf.mul(u, 2)) : tf.sub(1, du);
}

/**
 * The fused CNF op's backward pass (first-order algebra only, no autodiff inside): from the
 * output gradient `dy` [B, S] and the forward's saved tensors, the gradients of the state and of
 * the per-solve tensors [A_0..A_L, V] (V = [e, p, g?, c?] end to end). Per layer, one matMul for the weight gradient and
 * one for the input gradients, values and tangents stacked together.
 */
export function fusedGradient(spec: FusedSpec, t: number, dy: Tensor, s: FusedSaved): Tensor[] {
  const { act, layout } = spec;
  const widths = spec.layers.map((layer) => layer.dout);
  const d = layout.dim;
  const nl = widths.length;
  const batch = dy.shape[0];
  const cols = [d, 1, ...(layout.kinetic >= 0 ? [1] : []), ...(layout.jacobian >= 0 ? [1] : [])];
  const { A: sA, e: se, gate: sGate, W: sW, ins: sIns, tins: sTins, dzs: sDz, dus: sDu } = s;
  const { f: sF, jv: sJv, negProbe: sNeg, epsPad: sEps } = s;
  const parts = tf.split(dy, cols, 1);
  let gz = parts[0];
  let gdz = tf.mul(tf.reshape(parts[1], [1, batch, 1]), sNeg);
  let next = 2;
  if (sF !== null) gz = tf.add(gz, tf.mul(tf.mul(sF, parts[next++]), 2));
  if (sJv !== null) gdz = tf.add(gdz, tf.mul(sJv, tf.reshape(tf.mul(parts[next++], 2), [1, batch, 1])));
  const gW: Tensor[] = new Array(nl);
  const gb: Tensor[] = new Array(nl);
  let gx = gz;
  for (let l = nl - 1; l >= 0; l--) {
    const k = gdz.shape[0];
    gb[l] = tf.sum(gz, 0);
    if (l === 0) {
      const din = sIns[0].shape[1] as number;
      if (sEps === null) {
        const rows = tf.sum(gdz, 1);
        gW[0] = tf.add(
          tf.matMul(sIns[0], gz, true, false),
          din > d
            ? tf.pad(rows, [
                [0, din - d],
                [0, 0],
              ])
            : rows,
        );
      } else {
        const stackedIn = tf.concat([sIns[0], sEps], 0);
        const stackedG = tf.concat([gz, tf.reshape(gdz, [batch, -1])], 0);
        gW[0] = tf.matMul(stackedIn, stackedG, true, false);
      }
      gx = tf.matMul(gz, sW[0], false, true);
      break;
    }
    const din = sIns[l].shape[1] as number;
    const stackedIn = tf.concat([sIns[l], tf.reshape(sTins[l - 1], [k * batch, din])], 0);
    const stackedG = tf.concat([gz, tf.reshape(gdz, [k * batch, -1])], 0);
    gW[l] = tf.matMul(stackedIn, stackedG, true, false);
    const gIn = tf.matMul(stackedG, sW[l], false, true);
    const gs = tf.slice(gIn, [0, 0], [batch, din]);
    const gv = tf.reshape(tf.slice(gIn, [batch, 0], [k * batch, din]), [k, batch, din]);
    const du = sDu[l - 1];
    const gdu = tf.sum(tf.mul(gv, sDz[l - 1]), 0);
    gdz = tf.mul(gv, du);
    // gs·g' + gdu·g'' = g'·(gs + gdu·g''/g')
    gz = tf.mul(du, tf.add(gs, tf.mul(gdu, curvature(act, sIns[l], du))));
  }
  // W_l = A_l ⊙ gate_l, b = e ⊙ gate + t·p  →  gradients of the per-solve tensors
  const gbAll = tf.concat(gb);
  const grads: Tensor[] = [gx];
  if (sGate === null) {
    grads.push(...gW, tf.concat([gbAll, tf.mul(gbAll, t)]));
    return grads;
  }
  const gGates = tf.split(sGate, [...widths]);
  grads.push(...gW.map((gw, l) => tf.mul(gw, gGates[l])));
  const fromW = tf.concat(gW.map((gw, l) => tf.sum(tf.mul(gw, sA[l]), 0)));
  const gGate = tf.add(fromW, tf.mul(gbAll, se));
  const gPre = tf.mul(gGate, tf.sub(sGate, tf.square(sGate)));
  grads.push(tf.concat([tf.mul(gbAll, sGate), tf.mul(gbAll, t), tf.mul(gPre, t), gPre]));
  return grads;
}

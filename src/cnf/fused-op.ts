import { type Tensor, tf } from '../../solvers/tf.js';
import type { Activation } from '../nn/activations.js';
import type { StateLayout } from './dynamics.js';

/** An activation the fused op differentiates by hand: its core is σ or softplus. */
export interface ActivationCore {
  readonly core: 'sigmoid' | 'softplus';
  /** Input scale c, output scale α and shift β of the activation (see `Activation`). */
  readonly c: number;
  readonly alpha: number;
  readonly beta: number;
}

/** The fused form of an activation, or null when its core is neither σ nor softplus. */
export function activationCore(a: Activation): ActivationCore | null {
  const core =
    a.name === 'tanh' || a.name === 'sigmoid' ? 'sigmoid' : a.name === 'softplus' ? 'softplus' : null;
  return core === null ? null : { core, c: a.c, alpha: a.alpha, beta: a.beta };
}

/** What {@link buildFusedOp} needs to know. */
export interface FusedSpec {
  act: ActivationCore;
  layout: StateLayout;
  /** Output width of each layer. */
  widths: readonly number[];
  /** −e_k as [D, 1, D] (exact) or −ε as [1, B, D] (Hutchinson). */
  negProbe: Tensor;
  /** ε padded to the state width, [B, S] (Hutchinson), or null (exact: unit tangents). */
  epsPad: Tensor | null;
  /** Whether the layers have gates (concatsquash). */
  gated: boolean;
}

/** Evaluates the fused dynamics at (t, y) with the per-solve tensors [A_0..A_L, e, p, g?, c?]. */
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

/** g''(z̃) from the saved core value u and derivative du: σ: du·(1 − 2u); softplus: du − du². */
function secondDerivative(act: ActivationCore, u: Tensor, du: Tensor): Tensor {
  if (act.core === 'sigmoid') return tf.mul(du, tf.sub(1, tf.mul(u, 2)));
  return tf.sub(du, tf.square(du));
}

/**
 * Builds the hand-differentiated CNF dynamics op (see `fusedDynamics`). Forward: the time
 * vectors of all layers in one set of ops, then per layer one fused matMul (+ σ) for the values
 * and one matMul for the tangents. Backward (first-order algebra only): per layer one matMul for
 * the weight gradient and one for the input gradients, values and tangents stacked together.
 */
export function buildFusedOp(spec: FusedSpec): FusedOp {
  const { act, layout, widths, negProbe, epsPad, gated } = spec;
  const d = layout.dim;
  const nl = widths.length;
  const cols = [d, 1, ...(layout.kinetic >= 0 ? [1] : []), ...(layout.jacobian >= 0 ? [1] : [])];
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
      save([
        ...A,
        e,
        ...(gate ? [gate] : []),
        ...W,
        ...ins,
        ...tins,
        ...dzs,
        ...dus,
        f,
        jv,
        negProbe,
        ...(epsPad ? [epsPad] : []),
      ]);
      const gradFunc = (dy: Tensor, saved: Tensor[]): Tensor[] => {
        let i = 0;
        const take = (n: number): Tensor[] => {
          const part = saved.slice(i, i + n);
          i += n;
          return part;
        };
        const sA = take(nl);
        const [se] = take(1);
        const [sGate] = gate ? take(1) : [null];
        const sW = take(nl);
        const sIns = take(nl);
        const sTins = take(nl - 1);
        const sDz = take(nl - 1);
        const sDu = take(nl - 1);
        const [sF, sJv, sNeg] = take(3);
        const [sEps] = epsPad ? take(1) : [null];
        const parts = tf.split(dy, cols, 1);
        let gz = parts[0];
        let gdz = tf.mul(tf.reshape(parts[1], [1, batch, 1]), sNeg);
        let next = 2;
        if (layout.kinetic >= 0) gz = tf.add(gz, tf.mul(tf.mul(sF, parts[next++]), 2));
        if (layout.jacobian >= 0)
          gdz = tf.add(gdz, tf.mul(sJv, tf.reshape(tf.mul(parts[next++], 2), [1, batch, 1])));
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
          gz = tf.add(tf.mul(gs, du), tf.mul(gdu, secondDerivative(act, sIns[l], du)));
        }
        // W_l = A_l ⊙ gate_l, b = e ⊙ gate + t·p  →  gradients of the per-solve tensors
        const gbAll = tf.concat(gb);
        const grads: Tensor[] = [gx];
        if (sGate === null) {
          grads.push(...gW, gbAll, tf.mul(gbAll, t));
          return grads;
        }
        const gGates = tf.split(sGate, [...widths]);
        grads.push(...gW.map((gw, l) => tf.mul(gw, gGates[l])));
        const fromW = tf.concat(gW.map((gw, l) => tf.sum(tf.mul(gw, sA[l]), 0)));
        const gGate = tf.add(fromW, tf.mul(gbAll, se));
        const gPre = tf.mul(gGate, tf.sub(sGate, tf.square(sGate)));
        grads.push(tf.mul(gbAll, sGate), tf.mul(gbAll, t), tf.mul(gPre, t), gPre);
        return grads;
      };
      return { value, gradFunc };
    });
    return run(y, ...params);
  };
}

import type { Tensor } from '../../solvers/tf.js';

/** What the fused CNF op's forward keeps for its gradient, by name (see fused-op.ts). */
export interface FusedSaved {
  /** A_l per layer (ungated weights). */
  A: Tensor[];
  /** e (the packed biases). */
  e: Tensor;
  /** σ(t·g + c) of all layers, or null (no gates). */
  gate: Tensor | null;
  /** W_l = A_l ⊙ gate_l per layer. */
  W: Tensor[];
  /** Each layer's input value (the state for layer 0). */
  ins: Tensor[];
  /** Each hidden layer's input tangents. */
  tins: Tensor[];
  /** Each hidden layer's pre-activation tangents. */
  dzs: Tensor[];
  /** Each hidden layer's activation derivative. */
  dus: Tensor[];
  /** f, [B, D]. */
  f: Tensor;
  /** J·V, [K, B, D]. */
  jv: Tensor;
  /** −e_k or −ε. */
  negProbe: Tensor;
  /** ε padded to the state width, or null (exact divergence). */
  epsPad: Tensor | null;
}

/** The saved tensors as the flat list tf.customGrad's save function takes (order defined only here and in {@link unpackSaved}). */
export function packSaved(s: FusedSaved): Tensor[] {
  return [
    ...s.A,
    s.e,
    ...(s.gate ? [s.gate] : []),
    ...s.W,
    ...s.ins,
    ...s.tins,
    ...s.dzs,
    ...s.dus,
    s.f,
    s.jv,
    s.negProbe,
    ...(s.epsPad ? [s.epsPad] : []),
  ];
}

/** The inverse of {@link packSaved} for an op of `nl` layers. */
export function unpackSaved(
  list: readonly Tensor[],
  nl: number,
  gated: boolean,
  hutchinson: boolean,
): FusedSaved {
  let i = 0;
  const take = (n: number): Tensor[] => {
    const part = list.slice(i, i + n);
    i += n;
    return part;
  };
  const A = take(nl);
  const [e] = take(1);
  const gate = gated ? take(1)[0] : null;
  const W = take(nl);
  const ins = take(nl);
  const tins = take(nl - 1);
  const dzs = take(nl - 1);
  const dus = take(nl - 1);
  const [f, jv, negProbe] = take(3);
  const epsPad = hutchinson ? take(1)[0] : null;
  if (i !== list.length) throw new Error(`fused CNF op: ${list.length} saved tensors, expected ${i}`);
  return { A, e, gate, W, ins, tins, dzs, dus, f, jv, negProbe, epsPad };
}

import type { Tensor } from '../../solvers/tf.js';

/**
 * The per-solve tensors the fused CNF op's backward reads: the same for every evaluation of one
 * solve, so they are held once per gradient tape (`TapeHeld`), not saved per evaluation.
 */
export interface SolveConstants {
  /** A_l per layer (ungated weights). */
  A: readonly Tensor[];
  /** e (the packed biases). */
  e: Tensor;
  /** −e_k or −ε. */
  negProbe: Tensor;
  /** ε padded to the state width, or null (exact divergence). */
  epsPad: Tensor | null;
}

/** What the fused CNF op's forward keeps for its gradient, by name (see fused-op.ts). */
export interface FusedSaved extends SolveConstants {
  /** σ(t·g + c) of all layers, or null (no gates). */
  gate: Tensor | null;
  /** W_l = A_l ⊙ gate_l per layer (A_l itself when ungated). */
  W: readonly Tensor[];
  /** Each layer's input value (the state for layer 0). */
  ins: Tensor[];
  /** Each hidden layer's input tangents. */
  tins: Tensor[];
  /** Each hidden layer's pre-activation tangents. */
  dzs: Tensor[];
  /** Each hidden layer's activation derivative. */
  dus: Tensor[];
  /** f, [B, D], or null when no kinetic regularizer reads it. */
  f: Tensor | null;
  /** J·V, [K, B, D], or null when no Jacobian regularizer reads it. */
  jv: Tensor | null;
}

/** Which optional tensors an op saves. */
export interface SavedShape {
  /** Number of layers. */
  nl: number;
  /** Whether the layers have gates (then W is saved; else W = A). */
  gated: boolean;
  /** Whether f is saved (kinetic regularizer). */
  kinetic: boolean;
  /** Whether J·V is saved (Jacobian regularizer). */
  jacobian: boolean;
}

/**
 * The per-evaluation saved tensors as a flat list (order defined only here and in
 * {@link unpackSaved}; the per-solve constants are held apart, once per tape).
 */
export function packSaved(s: FusedSaved): Tensor[] {
  return [
    ...(s.gate ? [s.gate, ...s.W] : []),
    ...s.ins,
    ...s.tins,
    ...s.dzs,
    ...s.dus,
    ...(s.f ? [s.f] : []),
    ...(s.jv ? [s.jv] : []),
  ];
}

/** The inverse of {@link packSaved}, completed by the per-solve constants. */
export function unpackSaved(list: readonly Tensor[], shape: SavedShape, c: SolveConstants): FusedSaved {
  const { nl, gated } = shape;
  let i = 0;
  const take = (n: number): Tensor[] => {
    const part = list.slice(i, i + n);
    i += n;
    return part;
  };
  const gate = gated ? take(1)[0] : null;
  const W = gated ? take(nl) : c.A;
  const ins = take(nl);
  const tins = take(nl - 1);
  const dzs = take(nl - 1);
  const dus = take(nl - 1);
  const f = shape.kinetic ? take(1)[0] : null;
  const jv = shape.jacobian ? take(1)[0] : null;
  if (i !== list.length) throw new Error(`fused CNF op: ${list.length} saved tensors, expected ${i}`);
  return { ...c, gate, W, ins, tins, dzs, dus, f, jv };
}

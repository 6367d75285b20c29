import type { Tensor } from '../../solvers/tf.js';
import type { Activation } from '../nn/activations.js';
import type { TimeLayer } from '../nn/layers.js';
import type { StateLayout } from './dynamics.js';

/** An activation the fused op differentiates by hand: its core is σ or softplus. */
export interface ActivationCore {
  /** The core g: σ or softplus (what the backward's g''/g' is written for). */
  readonly core: 'sigmoid' | 'softplus';
  /** The activation itself (its `core` gives u and g', its c, α, β are folded into the weights). */
  readonly activation: Activation;
}

/**
 * The fused form of an activation, or null when its core is neither σ nor softplus.
 *
 * @param a The activation.
 */
export function activationCore(a: Activation): ActivationCore | null {
  const core =
    a.name === 'tanh' || a.name === 'sigmoid' ? 'sigmoid' : a.name === 'softplus' ? 'softplus' : null;
  return core === null ? null : { core, activation: a };
}

/**
 * The per-solve tensors of a fused CNF dynamics (see `fusedDynamics`): the op's inputs are
 * [A_0..A_L, V] with V = [e, p, g?, c?] end to end, so the engine accumulates one gradient for
 * the vectors per evaluation; the forward reads e, p, g, c as the separate tensors V was packed
 * from (the same values, no slicing per evaluation).
 */
export interface FusedParams {
  /** A_l, [din, dout] per layer. */
  A: readonly Tensor[];
  /** e, p (and g, c when gated), [N] each, N = Σ dout. */
  e: Tensor;
  /** Time rates p. */
  p: Tensor;
  /** Gate rates g, or null (no gates). */
  g: Tensor | null;
  /** Gate offsets c, or null (no gates). */
  c: Tensor | null;
  /** V = concat(e, p, g?, c?), [2N] or [4N]. */
  V: Tensor;
}

/** What {@link buildFusedOp} needs to know. */
export interface FusedSpec {
  /** The field's activation, in fused form. */
  act: ActivationCore;
  /** Column layout of the packed state. */
  layout: StateLayout;
  /** The field's layers (their widths and tangent propagation). */
  layers: readonly TimeLayer[];
  /** −e_k as [D, 1, D] (exact) or −ε as [1, B, D] (Hutchinson). */
  negProbe: Tensor;
  /** ε padded to the state width, [B, S] (Hutchinson), or null (exact: unit tangents). */
  epsPad: Tensor | null;
  /** The per-solve tensors. */
  params: FusedParams;
}

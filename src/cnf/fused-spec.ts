import type { Tensor } from '../../solvers/tf.js';
import type { Activation } from '../nn/activations.js';
import type { StateLayout } from './dynamics.js';

/** An activation the fused op differentiates by hand: its core is σ or softplus. */
export interface ActivationCore {
  /** The core g: σ or softplus. */
  readonly core: 'sigmoid' | 'softplus';
  /** Input scale c, output scale α and shift β of the activation (see `Activation`). */
  readonly c: number;
  /** Output scale α. */
  readonly alpha: number;
  /** Output shift β. */
  readonly beta: number;
}

/**
 * The fused form of an activation, or null when its core is neither σ nor softplus.
 *
 * @param a The activation.
 */
export function activationCore(a: Activation): ActivationCore | null {
  const core =
    a.name === 'tanh' || a.name === 'sigmoid' ? 'sigmoid' : a.name === 'softplus' ? 'softplus' : null;
  return core === null ? null : { core, c: a.c, alpha: a.alpha, beta: a.beta };
}

/** What {@link buildFusedOp} needs to know. */
export interface FusedSpec {
  /** The field's activation, in fused form. */
  act: ActivationCore;
  /** Column layout of the packed state. */
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

import { CNF } from '../cnf/cnf.js';
import type { FlowModel } from '../core/flow-model.js';
import { planar, radial } from '../flows/rm-flows.js';

/** Model kinds {@link energyFitModel} builds. */
export type EnergyFitKind = 'planar' | 'radial' | 'cnf';

/** The kinds, in the figure's column order. */
export const ENERGY_FIT_KINDS: readonly EnergyFitKind[] = ['planar', 'radial', 'cnf'];

/** Options of {@link energyFitModel}. */
export interface EnergyFitModelOptions {
  /** Flow steps K of planar / radial (ignored by the CNF). Default 8. */
  steps?: number;
  /** Seed of the initial weights. Default 0. */
  seed?: number;
  /** CNF: hidden widths of the field. Default [32, 32]. */
  hidden?: readonly number[];
  /** CNF: fixed RK4 steps over t ∈ [0, 1]. Default 8. */
  cnfSteps?: number;
}

/**
 * A 2-D flow for reverse-KL fitting: planar or radial with K steps (sampling and scoring by the
 * closed form, one pass), or a CNF (tanh concatsquash field, end time 1, fixed-step RK4 so that a
 * training step costs a known number of evaluations; gradients by backpropagation through the solver).
 *
 * @param kind `planar`, `radial` or `cnf`.
 * @param options Flow steps, seed, CNF field widths and RK4 steps; see {@link EnergyFitModelOptions}.
 */
export function energyFitModel(kind: EnergyFitKind, options: EnergyFitModelOptions = {}): FlowModel {
  const seed = options.seed ?? 0;
  const steps = options.steps ?? 8;
  if (kind === 'planar') return planar({ dim: 2, layers: steps, seed });
  if (kind === 'radial') return radial({ dim: 2, layers: steps, seed });
  if (kind === 'cnf') {
    const n = options.cnfSteps ?? 8;
    return new CNF({
      dim: 2,
      hidden: options.hidden ?? [32, 32],
      T: 1,
      trainT: false,
      solver: { method: 'rk4', stepSize: 1 / n },
      seed,
    });
  }
  throw new Error(
    `energyFitModel: kind '${String(kind)}' is unknown; expected one of ${ENERGY_FIT_KINDS.join(', ')}`,
  );
}

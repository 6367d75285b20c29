import type { Tensor } from '../../solvers/tf.js';
import type { DensityModel } from '../model.js';
import type { IterationRecord } from '../train/history.js';
import { trainingCurves } from './curves.js';
import { densityHeatmap } from './density.js';
import type { Figure } from './figure.js';
import { samplesVsData } from './scatter.js';
import { trajectories } from './trajectories.js';

/**
 * A model that can show how points move (a CNF: base samples flowing to data). `trajectories`
 * returns `[steps, n, dim]`, time-major, first row at the base distribution. Optional: reports
 * include a trajectory plot when the model has it.
 */
export interface TrajectoryModel {
  trajectories(n: number, options?: { steps?: number; seed?: number }): Tensor;
}

function hasTrajectories(m: DensityModel): m is DensityModel & TrajectoryModel {
  return typeof (m as Partial<TrajectoryModel>).trajectories === 'function';
}

/** Options of {@link buildReport}. */
export interface ReportOptions {
  /** Plot range for 2-D figures. Default [-4, 4]. */
  range?: readonly [number, number];
  /** Heatmap grid points per axis. Default 100. */
  gridN?: number;
  /** Model samples drawn for the scatter plot. Default 2000. */
  samples?: number;
  /** Paths in the trajectory plot. Default 200. */
  paths?: number;
  /** Seed for samples and paths. Default 0. */
  seed?: number;
}

/**
 * The figures of a training report: for 2-D models a density heatmap from exact `logProb`,
 * samples vs data, and trajectories (if the model provides them); then the training curves
 * (loss, test NLL, NFE) when there is a history.
 */
export function buildReport(
  model: DensityModel,
  history: readonly IterationRecord[],
  data: Tensor,
  options: ReportOptions = {},
): Figure[] {
  const range = options.range ?? [-4, 4];
  const seed = options.seed ?? 0;
  const figs: Figure[] = [];
  if (model.dim === 2) {
    figs.push(densityHeatmap(model, { range, n: options.gridN ?? 100 }));
    const s = model.sample(options.samples ?? 2000, seed);
    figs.push(samplesVsData(s, data, { range }));
    s.dispose();
    if (hasTrajectories(model)) {
      const p = model.trajectories(options.paths ?? 200, { seed });
      figs.push(trajectories(p, { range, title: 'trajectories: base (blue) to data (red)' }));
      p.dispose();
    }
  }
  if (history.length > 0) figs.push(trainingCurves(history));
  return figs;
}

import { type Tensor, tf } from '../../solvers/tf.js';
import type { IterationRecord } from '../metrics/history.js';
import { imageInfo } from '../metrics/image-info.js';
import type { DensityModel } from '../model.js';
import { bitsPerDimCurve } from './bits-curve.js';
import { type CurveAxis, trainingCurves } from './curves.js';
import { densityHeatmap } from './density.js';
import type { Figure } from './figure.js';
import { imageGrid } from './image-grid.js';
import { samplesVsData } from './scatter.js';
import { trajectories } from './trajectories.js';

/**
 * A model that can show how points move (a CNF: base samples flowing to data). `trajectories`
 * returns `[steps, n, dim]`, time-major, first row at the base distribution. Optional: reports
 * include a trajectory plot when the model has it.
 */
export interface TrajectoryModel {
  /**
   * Paths of `n` points from the base distribution to data, `[steps, n, dim]`.
   *
   * @param n Number of paths.
   * @param options Number of recorded times and the seed of the base draw.
   */
  trajectories(
    n: number,
    options?: {
      /** Number of recorded times. */
      steps?: number;
      /** Seed of the base draw. */
      seed?: number;
    },
  ): Tensor;
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
  /** Image models: samples (and real images) in the grid. Default 64. */
  images?: number;
  /** Image models: images per row of the grid. Default 8. */
  imageCols?: number;
  /** The data's entropy (nats), drawn as a reference line on the training curves. Default none. */
  entropy?: number;
  /** Smoothing weight of the training loss curve (see `trainingCurves`). Default there. */
  smoothing?: number;
  /** The curves' initial x axis, iteration or wall-clock time. Default 'iteration'. */
  x?: CurveAxis;
}

/**
 * The figures of a training report: for 2-D models a density heatmap from exact `logProb`,
 * samples vs data, and trajectories (if the model provides them); for image models (config with
 * `imageShape`) a grid of model samples next to real images from `data`; then the training
 * curves when there is a history (bits/dim for image models; loss, test NLL and NFE otherwise).
 *
 * @param model The trained model (2-D models get heatmap, samples and trajectories; image models an image grid).
 * @param history Training records (for the curves); empty for none.
 * @param data Data points `[n, dim]` shown beside the model's samples (not disposed).
 * @param options Plot range, grid size, sample and path counts, seed, the data's `entropy`, curve `smoothing` and `x` axis: see {@link ReportOptions}.
 * @example
 * const figs = buildReport(model, result.history, toyData('8gaussians', 2000, 1), { entropy: toyEntropy('8gaussians') });
 * writeHtml('run/report.html', figs);
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
    // the square plots first, so that the page can set them side by side
    if (hasTrajectories(model)) {
      const p = model.trajectories(options.paths ?? 200, { seed });
      figs.push(trajectories(p, { range, title: 'trajectories: base samples (blue) flow to data (red)' }));
      p.dispose();
    }
    const s = model.sample(options.samples ?? 2000, seed);
    figs.push(samplesVsData(s, data, { range }));
    s.dispose();
  }
  const image = imageInfo(model);
  if (image) {
    const n = options.images ?? 64;
    const s = model.sample(n, seed);
    const real = tf.tidy(() => tf.slice(data, [0, 0], [Math.min(n, data.shape[0]), -1]));
    figs.push(
      imageGrid(
        [
          { images: s, title: 'model samples' },
          { images: real, title: 'data' },
        ],
        {
          shape: image.shape,
          cols: options.imageCols ?? 8,
          max: n,
          zmin: 0,
          zmax: image.levels - 1,
          title: 'image grid: model samples (left) and data (right)',
        },
      ),
    );
    tf.dispose([s, real]);
  }
  if (history.length > 0)
    figs.push(
      image
        ? bitsPerDimCurve(history, model.dim)
        : trainingCurves(history, { entropy: options.entropy, smoothing: options.smoothing, x: options.x }),
    );
  return figs;
}

import { gridLogProb } from '../metrics/grid.js';
import type { DensityModel } from '../model.js';
import type { Figure } from './figure.js';

/** Options of {@link densityHeatmap}. */
export interface DensityHeatmapOptions {
  /** Square `[lo, hi]` on both axes. Default [-4, 4] (FFJORD's plots). */
  range?: readonly [number, number];
  /** Grid points per axis. Default 100. */
  n?: number;
  /** Show log p instead of p. Default false. */
  log?: boolean;
  /** Points per `logProb` call. Default 2000. */
  batch?: number;
  /** Figure title. Default 'model density' (or 'model log-density'). */
  title?: string;
}

/**
 * A heatmap of a 2-D model's density from exact `logProb` on an `n × n` grid (cell centres),
 * with the grid's total mass (Σ p·cell area, ≈ 1 when the grid covers the mass) in the title.
 */
export function densityHeatmap(model: DensityModel, options: DensityHeatmapOptions = {}): Figure {
  if (model.dim !== 2) throw new Error(`densityHeatmap needs a 2-D model, got dim ${model.dim}`);
  const [lo, hi] = options.range ?? [-4, 4];
  const n = options.n ?? 100;
  const { axis, logp, mass } = gridLogProb(model, { range: [lo, hi], n, batch: options.batch });
  const z = Array.from({ length: n }, (_, j) =>
    Array.from(logp.subarray(j * n, (j + 1) * n), (v) => (options.log ? v : Math.exp(v))),
  );
  const title = options.title ?? (options.log ? 'model log-density' : 'model density');
  return {
    data: [{ type: 'heatmap', x: axis, y: axis, z, colorscale: 'Viridis', showscale: true }],
    layout: {
      title: { text: `${title} (grid mass ${mass.toFixed(3)})` },
      xaxis: { range: [lo, hi], constrain: 'domain' },
      yaxis: { range: [lo, hi], scaleanchor: 'x' },
      width: 560,
      height: 520,
    },
  };
}

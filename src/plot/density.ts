import { gridLogProb } from '../metrics/grid.js';
import type { DensityModel } from '../model.js';
import type { Figure } from './figure.js';
import { figureMargin, figureTitle, X1, X2 } from './layout.js';

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
 *
 * @param model A 2-D density model.
 * @param options Range, grid size, log scale, batch size, title: see {@link DensityHeatmapOptions}.
 * @example
 * show(densityHeatmap(model, { n: 120, log: true }));
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
    data: [
      {
        type: 'heatmap',
        x: axis,
        y: axis,
        z,
        colorscale: 'Viridis',
        showscale: true,
        colorbar: { title: { text: options.log ? 'log p(x)' : 'p(x)', side: 'right' } },
        hovertemplate: `x₁ %{x:.2f}<br>x₂ %{y:.2f}<br>${options.log ? 'log p' : 'p'} %{z:.4g}<extra></extra>`,
      },
    ],
    layout: {
      title: figureTitle(`${title} (grid mass ${mass.toFixed(3)})`),
      margin: figureMargin(),
      xaxis: { range: [lo, hi], constrain: 'domain', title: { text: X1 } },
      yaxis: { range: [lo, hi], scaleanchor: 'x', title: { text: X2 } },
      height: 520,
    },
  };
}

import type { Figure } from './figure.js';

/** One heatmap cell of {@link densityPanels}. */
export interface DensityPanel {
  /** Row (0-based, top first) and column. */
  readonly row: number;
  /** Column (0-based, left first). */
  readonly col: number;
  /** Cell centres of one axis (the same on both axes). */
  readonly axis: readonly number[];
  /** log density at (axis[i], axis[j]), stored at j·n + i. */
  readonly logp: ArrayLike<number>;
  /** Text under the panel (e.g. the KL). */
  readonly caption?: string;
}

/** Options of {@link densityPanels}. */
export interface DensityPanelsOptions {
  /** Row labels (left), e.g. the energies. */
  readonly rowLabels: readonly string[];
  /** Column labels (top), e.g. the models. */
  readonly colLabels: readonly string[];
  /** Figure title. */
  readonly title?: string;
  /** Pixel size of one panel. Default 150. */
  readonly panelSize?: number;
}

/**
 * A grid of density heatmaps (each normalised to its own maximum), the layout of Rezende &
 * Mohamed's figure 3: rows are targets, columns are models.
 *
 * @param panels The panels, each with its row, column and grid of densities.
 * @param options Row and column labels, title and panel size.
 */
export function densityPanels(panels: readonly DensityPanel[], options: DensityPanelsOptions): Figure {
  const rows = options.rowLabels.length;
  const cols = options.colLabels.length;
  const size = options.panelSize ?? 150;
  const gap = 0.012;
  const w = (1 - gap * (cols - 1)) / cols;
  const h = (1 - gap * (rows - 1)) / rows;
  const layout: Record<string, unknown> = {
    title: { text: options.title ?? '' },
    width: size * cols + 120,
    height: size * rows + 120,
    margin: { l: 80, r: 20, t: 80, b: 20 },
    showlegend: false,
  };
  const annotations: Record<string, unknown>[] = [];
  const data: Record<string, unknown>[] = [];
  panels.forEach((p, k) => {
    const n = p.axis.length;
    let m = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < p.logp.length; i++) if (p.logp[i] > m) m = p.logp[i];
    const z = Array.from({ length: n }, (_, j) =>
      Array.from({ length: n }, (_, i) => Math.exp(p.logp[j * n + i] - m)),
    );
    const id = k === 0 ? '' : String(k + 1);
    const x0 = p.col * (w + gap);
    const y1 = 1 - p.row * (h + gap);
    layout[`xaxis${id}`] = { domain: [x0, x0 + w], showticklabels: false, ticks: '', anchor: `y${id}` };
    layout[`yaxis${id}`] = {
      domain: [y1 - h, y1],
      ticks: '',
      showticklabels: false,
      anchor: `x${id}`,
      scaleanchor: `x${id}`,
    };
    data.push({
      type: 'heatmap',
      x: p.axis,
      y: p.axis,
      z,
      xaxis: `x${id}`,
      yaxis: `y${id}`,
      colorscale: 'Viridis',
      showscale: false,
    });
    if (p.caption) {
      annotations.push({
        text: p.caption,
        xref: 'paper',
        yref: 'paper',
        x: x0 + w / 2,
        y: y1 - h,
        yanchor: 'bottom',
        showarrow: false,
        font: { size: 10, color: 'white' },
      });
    }
  });
  options.colLabels.forEach((t, c) => {
    annotations.push({
      text: t,
      xref: 'paper',
      yref: 'paper',
      x: c * (w + gap) + w / 2,
      y: 1.01,
      yanchor: 'bottom',
      showarrow: false,
    });
  });
  options.rowLabels.forEach((t, r) => {
    annotations.push({
      text: t,
      xref: 'paper',
      yref: 'paper',
      x: -0.01,
      xanchor: 'right',
      y: 1 - r * (h + gap) - h / 2,
      showarrow: false,
    });
  });
  layout.annotations = annotations;
  return { data, layout };
}

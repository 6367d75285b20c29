import type { Figure } from './figure.js';

/**
 * A loss curve: one value per step (e.g. the reverse-KL or −ELBO).
 *
 * @param losses One loss value per step.
 * @param title Figure title.
 * @param yTitle Title of the y axis and of the trace. Default 'loss'.
 */
export function lossCurve(losses: readonly number[], title: string, yTitle = 'loss'): Figure {
  return {
    data: [{ type: 'scatter', mode: 'lines', x: losses.map((_, i) => i), y: [...losses], name: yTitle }],
    layout: {
      title: { text: title },
      xaxis: { title: { text: 'step' } },
      yaxis: { title: { text: yTitle } },
      width: 640,
      height: 360,
    },
  };
}

/**
 * The aggregate posterior of a 2-D latent: one posterior draw per image, coloured by the image's
 * label (Rezende & Mohamed's and Kingma & Welling's latent-space pictures).
 *
 * @param points One 2-D latent point per image.
 * @param labels The label of each image, same length.
 * @param title Figure title. Default 'aggregate posterior'.
 */
export function latentScatter(
  points: readonly (readonly number[])[],
  labels: readonly number[],
  title = 'aggregate posterior',
): Figure {
  if (points.length !== labels.length) {
    throw new Error(`latentScatter: ${points.length} points but ${labels.length} labels`);
  }
  const classes = [...new Set(labels)].sort((a, b) => a - b);
  return {
    data: classes.map((c) => {
      const idx = labels.flatMap((l, i) => (l === c ? [i] : []));
      return {
        type: 'scatter',
        mode: 'markers',
        name: String(c),
        x: idx.map((i) => points[i][0]),
        y: idx.map((i) => points[i][1]),
        marker: { size: 4 },
      };
    }),
    layout: {
      title: { text: title },
      xaxis: { title: { text: 'z₁' } },
      yaxis: { title: { text: 'z₂' }, scaleanchor: 'x' },
      width: 560,
      height: 520,
    },
  };
}

/** One posterior density of {@link posteriorContours}. */
export interface PosteriorGrid {
  /** Cell centres of one axis (the same on both). */
  readonly axis: readonly number[];
  /** log q(z | x) at (axis[i], axis[j]), stored at j·n + i. */
  readonly logq: ArrayLike<number>;
  /** Legend name (e.g. the image's label). */
  readonly name: string;
}

/**
 * Contours of several per-image posteriors q(z | x) over a 2-D latent, in one plot.
 *
 * @param grids One posterior grid per image.
 * @param title Figure title. Default 'per-image posteriors q(z | x)'.
 */
export function posteriorContours(
  grids: readonly PosteriorGrid[],
  title = 'per-image posteriors q(z | x)',
): Figure {
  return {
    data: grids.map((g, k) => {
      const n = g.axis.length;
      return {
        type: 'contour',
        x: [...g.axis],
        y: [...g.axis],
        z: Array.from({ length: n }, (_, j) =>
          Array.from({ length: n }, (_, i) => Math.exp(g.logq[j * n + i])),
        ),
        name: g.name,
        showscale: false,
        contours: { coloring: 'lines' },
        colorscale: [
          [0, COLORS[k % COLORS.length]],
          [1, COLORS[k % COLORS.length]],
        ],
        ncontours: 6,
        showlegend: true,
      };
    }),
    layout: {
      title: { text: title },
      xaxis: { title: { text: 'z₁' } },
      yaxis: { title: { text: 'z₂' }, scaleanchor: 'x' },
      width: 560,
      height: 520,
    },
  };
}

const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f'];

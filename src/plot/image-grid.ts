import type { Layout, PlotData } from 'plotly.js';
import { type Tensor, tf } from '../../solvers/tf.js';
import { checkData } from '../data/check.js';
import type { Figure } from './figure.js';
import { figureMargin, figureTitle } from './layout.js';

/** Flattened images, one per row (row-major `H·W·C` values): rows of numbers or a tensor `[n, H·W·C]`. */
export type Images = Tensor | readonly (readonly number[])[];

/** One panel of {@link imageGrid}: a set of images and its caption. */
export interface ImagePanel {
  /** The images, one flattened H·W·C row each. */
  images: Images;
  /** Caption of the panel. */
  title?: string;
}

/** Options of {@link imageGrid}. */
export interface ImageGridOptions {
  /** Shape of one image, `[H, W]` or `[H, W, C]` (C > 1 is shown as the channel mean). */
  shape: readonly [number, number] | readonly [number, number, number];
  /** Images per row of the grid. Default: ⌈√n⌉ of the first panel. */
  cols?: number;
  /** At most this many images per panel (the first ones). Default 64. */
  max?: number;
  /** Blank pixels between tiles. Default 1. */
  gap?: number;
  /** Value shown white. Default 0. */
  zmin?: number;
  /** Value shown black. Default: the largest value in the panels. */
  zmax?: number;
  /** Figure title. Default 'images'. */
  title?: string;
}

function isPanels(x: Images | readonly ImagePanel[]): x is readonly ImagePanel[] {
  return !(x instanceof tf.Tensor) && x.length > 0 && !Array.isArray(x[0]);
}

/**
 * Tiles images into one greyscale matrix (rows top to bottom): `cols` images per row, `gap` blank
 * (null) pixels between them. Pixel (r, c) of image k lands at row `⌊k/cols⌋·(H+gap) + r`,
 * column `(k mod cols)·(W+gap) + c`. Each row must have H·W·C finite values; a bad row is
 * refused naming its row and column.
 *
 * @param images Images, one flattened row each.
 * @param shape Shape `[H, W, C]` of one image.
 * @param cols Images per row of the tiling.
 * @param gap Blank pixels between images. Default 1.
 * @param max Most images to tile. Default: all.
 */
export function tileImages(
  images: Images,
  shape: ImageGridOptions['shape'],
  cols: number,
  gap = 1,
  max = Number.POSITIVE_INFINITY,
): (number | null)[][] {
  const [h, w, ch = 1] = shape;
  const width = h * w * ch;
  const checked = checkData(images, width, { source: 'imageGrid images' });
  const n = Math.min(checked.shape[0], max);
  const values = checked.dataSync();
  checked.dispose();
  if (!Number.isInteger(cols) || cols < 1)
    throw new Error(`imageGrid: cols must be a positive integer, got ${cols}`);
  const gridRows = Math.ceil(n / cols);
  const z: (number | null)[][] = Array.from({ length: gridRows * (h + gap) - gap }, () =>
    new Array<number | null>(Math.min(n, cols) * (w + gap) - gap).fill(null),
  );
  for (let k = 0; k < n; k++) {
    const top = Math.floor(k / cols) * (h + gap);
    const left = (k % cols) * (w + gap);
    for (let r = 0; r < h; r++) {
      for (let c = 0; c < w; c++) {
        let v = 0;
        for (let q = 0; q < ch; q++) v += values[k * width + (r * w + c) * ch + q];
        z[top + r][left + c] = v / ch;
      }
    }
  }
  return z;
}

/**
 * A grid of greyscale images as a plotly heatmap (low values white, high black; image rows top to
 * bottom), e.g. 64 model samples of 8×8 digits tiled 8 per row. Given several panels (each
 * `{ images, title }`), they are drawn side by side on one colour scale, e.g. model samples next
 * to real data.
 *
 * @param images Images (one flattened row each), or several panels side by side.
 * @param options Image shape, columns, colour range and title; see {@link ImageGridOptions}.
 */
export function imageGrid(images: Images | readonly ImagePanel[], options: ImageGridOptions): Figure {
  const panels: readonly ImagePanel[] = isPanels(images) ? images : [{ images }];
  if (panels.length === 0) throw new Error('imageGrid: no panels');
  const max = options.max ?? 64;
  const gap = options.gap ?? 1;
  const count = (x: Images) => Math.min(x instanceof tf.Tensor ? x.shape[0] : x.length, max);
  const cols = options.cols ?? Math.max(1, Math.ceil(Math.sqrt(count(panels[0].images))));
  const zs = panels.map((p) => tileImages(p.images, options.shape, cols, gap, max));
  let hi = Number.NEGATIVE_INFINITY;
  for (const z of zs) for (const row of z) for (const v of row) if (v !== null && v > hi) hi = v;
  const zmin = options.zmin ?? 0;
  const zmax = options.zmax ?? (Number.isFinite(hi) && hi > zmin ? hi : zmin + 1);
  const share = 1 / panels.length;
  const data: Partial<PlotData>[] = [];
  // numbered axes (xaxis2, yaxis3, …) are keys Layout's type does not list one by one
  const layout: Partial<Layout> & Record<string, unknown> = {
    title: figureTitle(options.title ?? 'images'),
    margin: figureMargin(),
    height: 480,
    plot_bgcolor: '#ffffff',
  };
  zs.forEach((z, i) => {
    const suffix = i === 0 ? '' : String(i + 1);
    data.push({
      type: 'heatmap',
      name: panels[i].title ?? `panel ${i + 1}`,
      z,
      zmin,
      zmax,
      colorscale: [
        [0, '#ffffff'],
        [1, '#000000'],
      ],
      showscale: i === zs.length - 1,
      hoverongaps: false,
      xaxis: `x${suffix}`,
      yaxis: `y${suffix}`,
    });
    layout[`xaxis${suffix}`] = {
      domain: [i * share + 0.02, (i + 1) * share - 0.02],
      showticklabels: false,
      ticks: '',
      showgrid: false,
      zeroline: false,
      constrain: 'domain',
      title: { text: panels[i].title ?? '' },
    };
    layout[`yaxis${suffix}`] = {
      autorange: 'reversed',
      scaleanchor: `x${suffix}`,
      showticklabels: false,
      ticks: '',
      showgrid: false,
      zeroline: false,
      anchor: `x${suffix}`,
    };
  });
  return { data, layout };
}

import { type Tensor, tf } from '../../solvers/tf.js';
import type { Figure } from './figure.js';
import { figureMargin, figureTitle, X1, X2 } from './layout.js';

/** Options of {@link trajectories}. */
export interface TrajectoriesOptions {
  /** Axis range. Default [-4, 4]. */
  range?: readonly [number, number];
  /** At most this many paths are drawn. Default 200. */
  maxPaths?: number;
  /** Figure title. Default 'trajectories'. */
  title?: string;
}

/**
 * Paths of points through time: `paths` is `[T, N, 2]` (time-major, as `odeint` returns) as a
 * tensor or nested arrays. Each point's path is a thin line; start points (t = 0) and end points
 * (t = T) are marked.
 *
 * @param paths Paths `[T, n, 2]` (e.g. from {@link CNF.trajectories}), a tensor or nested arrays.
 * @param options Axis range, most paths drawn (default 200) and title; see {@link TrajectoriesOptions}.
 *
 * @example
 * const ys = odeint(f, tf.randomNormal([50, 2]), [0, 0.25, 0.5, 0.75, 1]); // [5, 50, 2]
 * show(trajectories(ys, { title: 'paths from t = 0 to 1' }));
 */
export function trajectories(
  paths: Tensor | readonly (readonly (readonly number[])[])[],
  options: TrajectoriesOptions = {},
): Figure {
  const arr = paths instanceof tf.Tensor ? (paths.arraySync() as number[][][]) : paths;
  const steps = arr.length;
  const count = Math.min(arr[0]?.length ?? 0, options.maxPaths ?? 200);
  const range = [...(options.range ?? [-4, 4])];
  // one trace for all lines: paths separated by nulls keeps the figure small
  const lx: (number | null)[] = [];
  const ly: (number | null)[] = [];
  for (let i = 0; i < count; i++) {
    for (let t = 0; t < steps; t++) {
      lx.push(arr[t][i][0]);
      ly.push(arr[t][i][1]);
    }
    lx.push(null);
    ly.push(null);
  }
  const at = (t: number) => ({
    x: arr[t].slice(0, count).map((p) => p[0]),
    y: arr[t].slice(0, count).map((p) => p[1]),
  });
  return {
    data: [
      {
        type: 'scatter',
        mode: 'lines',
        name: 'paths',
        x: lx,
        y: ly,
        line: { width: 0.7, color: 'rgba(100,100,100,0.45)' },
      },
      {
        type: 'scatter',
        mode: 'markers',
        name: 'start',
        ...at(0),
        marker: { size: 4, color: '#1f77b4' },
      },
      {
        type: 'scatter',
        mode: 'markers',
        name: 'end',
        ...at(steps - 1),
        marker: { size: 4, color: '#d62728' },
      },
    ],
    layout: {
      title: figureTitle(options.title ?? 'trajectories'),
      margin: figureMargin(),
      xaxis: { range, constrain: 'domain', title: { text: X1 } },
      yaxis: { range, scaleanchor: 'x', title: { text: X2 } },
      legend: { orientation: 'h', x: 0, y: -0.18 },
      height: 560,
    },
  };
}

import type { PlotData } from 'plotly.js';
import type { IterationRecord } from '../metrics/history.js';
import { CURVE_AXIS_TITLES, type CurveAxis, curveAxisMenu, curveX } from './curves.js';
import type { Figure } from './figure.js';
import { figureMargin, figureTitle } from './layout.js';
import { smoothEma } from './smooth.js';

/** One run of a comparison. */
export interface ComparedRun {
  /** Legend name (e.g. the run directory). */
  name: string;
  /** The run's records. */
  history: readonly IterationRecord[];
}

/** Options of {@link compareCurves}. */
export interface CompareCurvesOptions {
  /** Figure title. Default 'runs compared'. */
  title?: string;
  /** The x axis shown first (buttons switch). Default 'iteration'. */
  x?: CurveAxis;
  /** EMA weight of the training-loss curves, in [0, 1). Default 0.9. */
  smoothing?: number;
  /** The data's entropy (nats), drawn as a dashed reference line. Default none. */
  entropy?: number;
}

/** plotly's default colour cycle, so each run keeps one colour for its loss and its NLL. */
const COLOURS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f'];

/**
 * Runs overlaid: for each run its held-out NLL (solid, markers) and its smoothed training loss
 * (dotted, same colour), against iteration or wall-clock time (buttons switch), with the data's
 * entropy as a reference line when given.
 *
 * @param runs Named histories, at least one.
 * @param options Title, initial x axis, smoothing, entropy: see {@link CompareCurvesOptions}.
 */
export function compareCurves(runs: readonly ComparedRun[], options: CompareCurvesOptions = {}): Figure {
  if (runs.length === 0) throw new Error('compareCurves needs at least one run; got none');
  const smoothing = options.smoothing ?? 0.9;
  const traces: { trace: Partial<PlotData>; rows: readonly IterationRecord[] }[] = [];
  runs.forEach((run, i) => {
    const colour = COLOURS[i % COLOURS.length];
    const evals = run.history.filter((r) => r.testNll !== undefined);
    if (evals.length > 0) {
      traces.push({
        trace: {
          type: 'scatter',
          mode: 'lines+markers',
          name: `${run.name}: test NLL`,
          legendgroup: run.name,
          y: evals.map((r) => r.testNll ?? null),
          line: { color: colour, width: 2 },
        },
        rows: evals,
      });
    }
    if (run.history.length > 0) {
      traces.push({
        trace: {
          type: 'scatter',
          mode: 'lines',
          name: `${run.name}: train loss${smoothing > 0 ? ` (EMA ${smoothing})` : ''}`,
          legendgroup: run.name,
          y:
            smoothing > 0
              ? smoothEma(
                  run.history.map((r) => r.loss),
                  smoothing,
                )
              : run.history.map((r) => r.loss),
          line: { color: colour, width: 1, dash: 'dot' },
        },
        rows: run.history,
      });
    }
  });
  const all = runs.flatMap((r) => r.history);
  if (options.entropy !== undefined && all.length > 0) {
    const first = all.reduce((a, b) => (b.iteration < a.iteration ? b : a));
    const last = all.reduce((a, b) => (b.iteration > a.iteration ? b : a));
    const longest = all.reduce((a, b) => (b.elapsed > a.elapsed ? b : a));
    traces.push({
      trace: {
        type: 'scatter',
        mode: 'lines',
        name: `data entropy ${options.entropy.toFixed(3)} (best NLL)`,
        y: [options.entropy, options.entropy],
        line: { color: '#000000', dash: 'dash', width: 1 },
      },
      // iteration axis spans first..last iteration; time axis 0..longest run
      rows: [first, { ...last, elapsed: longest.elapsed }],
    });
  }
  const xs = (mode: CurveAxis) => traces.map((t) => curveX(t.rows, mode));
  const xMode = options.x ?? 'iteration';
  const menu = curveAxisMenu(xs, xMode);
  const start = xs(xMode);
  return {
    data: traces.map((t, i) => ({ ...t.trace, x: start[i] })),
    layout: {
      title: figureTitle(options.title ?? 'runs compared'),
      margin: figureMargin(),
      xaxis: { title: { text: CURVE_AXIS_TITLES[xMode] } },
      yaxis: { title: { text: 'nats' } },
      updatemenus: [menu],
      height: 520,
    },
  };
}

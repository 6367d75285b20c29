import type { PlotData, UpdateMenu } from 'plotly.js';
import type { IterationRecord } from '../metrics/history.js';
import { nfeBackward, nfeForward } from '../metrics/history.js';
import type { Figure } from './figure.js';
import { figureMargin, figureTitle } from './layout.js';
import { smoothEma } from './smooth.js';

/** What the curves are drawn against. */
export type CurveAxis = 'iteration' | 'time';

/** Options of {@link trainingCurves}. */
export interface TrainingCurvesOptions {
  /** Figure title. Default 'training'. */
  title?: string;
  /**
   * The x axis shown first: iteration number, or wall-clock seconds of training
   * (`IterationRecord.elapsed`). Buttons on the figure switch between the two. Default 'iteration'.
   */
  x?: CurveAxis;
  /**
   * Weight in [0, 1) of the exponential moving average drawn over the training loss (see
   * {@link smoothEma}); the raw loss stays visible, faint. 0 draws the raw loss only.
   * Default 0.9 with at least 50 records, else 0.
   */
  smoothing?: number;
  /**
   * The data's differential entropy in nats (e.g. `toyEntropy(name)`): drawn as a dashed
   * reference line, the lowest NLL any model can reach in expectation. Default: none.
   */
  entropy?: number;
  /**
   * Title of the loss axis. Default 'nats' (a likelihood loss); e.g. 'loss (squared error), NLL
   * (nats)' for flow matching, whose training loss is a regression error.
   */
  yTitle?: string;
}

/** Axis titles of the two x choices. */
export const CURVE_AXIS_TITLES: Record<CurveAxis, string> = {
  iteration: 'iteration',
  time: 'wall-clock time of training (s)',
};

interface Series {
  trace: Partial<PlotData>;
  it: number[];
  time: number[];
}

/**
 * Training curves: the training loss (raw, faint, and smoothed) and the held-out NLL against
 * iteration or wall-clock time (top), with the data's entropy as a reference line when given,
 * and the forward and backward NFE (bottom) where the model reported them. Only series that
 * have points are drawn (and so listed in the legend). `options` may be a title string (the
 * older signature).
 *
 * @param history Training records, as {@link train} returns them.
 * @param options Title, initial x axis (`iteration` or `time`), smoothing weight, the data's entropy; or a title string: see {@link TrainingCurvesOptions}.
 * @example
 * show(trainingCurves(result.history, { entropy: toyEntropy('8gaussians'), x: 'time' }));
 */
export function trainingCurves(
  history: readonly IterationRecord[],
  options: string | TrainingCurvesOptions = {},
): Figure {
  const o: TrainingCurvesOptions = typeof options === 'string' ? { title: options } : options;
  const smoothing = o.smoothing ?? (history.length >= 50 ? 0.9 : 0);
  const xMode = o.x ?? 'iteration';
  const series: Series[] = [];
  const add = (trace: Partial<PlotData>, rows: readonly IterationRecord[]) =>
    series.push({ trace, it: rows.map((r) => r.iteration), time: rows.map((r) => r.elapsed) });

  const loss = history.map((r) => r.loss);
  add(
    {
      type: 'scatter',
      mode: 'lines',
      name: smoothing > 0 ? 'train loss (raw)' : 'train loss',
      y: loss,
      line: { color: '#1f77b4', width: 1 },
      opacity: smoothing > 0 ? 0.3 : 1,
    },
    history,
  );
  if (smoothing > 0) {
    add(
      {
        type: 'scatter',
        mode: 'lines',
        name: `train loss (EMA ${smoothing})`,
        y: smoothEma(loss, smoothing),
        line: { color: '#1f77b4', width: 2 },
      },
      history,
    );
  }
  const evals = history.filter((r) => r.testNll !== undefined);
  if (evals.length > 0) {
    add(
      {
        type: 'scatter',
        mode: 'lines+markers',
        name: 'test NLL',
        y: evals.map((r) => r.testNll ?? null),
        line: { color: '#ff7f0e' },
      },
      evals,
    );
  }
  if (o.entropy !== undefined && history.length > 0) {
    const ends = [history[0], history[history.length - 1]];
    add(
      {
        type: 'scatter',
        mode: 'lines',
        name: `data entropy ${o.entropy.toFixed(3)} (best NLL)`,
        y: [o.entropy, o.entropy],
        line: { color: '#2ca02c', dash: 'dash', width: 1.5 },
        hovertemplate: 'data entropy %{y:.4f} nats<extra></extra>',
      },
      ends,
    );
  }
  const fwd = history.map((r) => nfeForward(r.info) ?? null);
  const bwd = history.map((r) => nfeBackward(r.info) ?? null);
  const hasFwd = fwd.some((v) => v !== null);
  const hasBwd = bwd.some((v) => v !== null);
  const hasNfe = hasFwd || hasBwd;
  if (hasFwd) {
    add(
      {
        type: 'scatter',
        mode: 'lines',
        name: 'NFE forward',
        y: fwd,
        yaxis: 'y2',
        line: { color: '#9467bd' },
      },
      history,
    );
  }
  if (hasBwd) {
    add(
      {
        type: 'scatter',
        mode: 'lines',
        name: 'NFE backward',
        y: bwd,
        yaxis: 'y2',
        line: { color: '#8c564b' },
      },
      history,
    );
  }
  const xs = (mode: CurveAxis) => series.map((s) => (mode === 'iteration' ? s.it : s.time));
  const menu = curveAxisMenu(xs, xMode);
  const startX = xs(xMode);
  return {
    data: series.map((s, i) => ({ ...s.trace, x: startX[i] })),
    layout: {
      title: figureTitle(o.title ?? 'training'),
      margin: figureMargin(),
      xaxis: { title: { text: CURVE_AXIS_TITLES[xMode] }, anchor: hasNfe ? 'y2' : 'y' },
      yaxis: { title: { text: o.yTitle ?? 'nats' }, domain: hasNfe ? [0.42, 1] : [0, 1] },
      ...(hasNfe ? { yaxis2: { title: { text: 'NFE' }, domain: [0, 0.32] } } : {}),
      updatemenus: [menu],
      height: hasNfe ? 620 : 440,
    },
  };
}

/**
 * The x values of `history` for one axis choice: iteration numbers or wall-clock seconds.
 *
 * @param history Iteration records of a run (`result.history`).
 * @param mode `'iteration'` or `'time'`.
 */
export function curveX(history: readonly IterationRecord[], mode: CurveAxis): number[] {
  return history.map((r) => (mode === 'iteration' ? r.iteration : r.elapsed));
}

/**
 * The two buttons above a curve figure that switch its x axis between iteration and wall-clock
 * time: `xs(mode)` gives each trace's x values, `xMode` the axis shown first.
 */
export function curveAxisMenu(xs: (mode: CurveAxis) => number[][], xMode: CurveAxis): Partial<UpdateMenu> {
  const button = (mode: CurveAxis) => ({
    label: mode === 'iteration' ? 'x: iteration' : 'x: wall-clock',
    method: 'update' as const,
    args: [{ x: xs(mode) }, { 'xaxis.title.text': CURVE_AXIS_TITLES[mode], 'xaxis.autorange': true }],
  });
  return {
    type: 'buttons',
    direction: 'left',
    showactive: true,
    active: xMode === 'iteration' ? 0 : 1,
    x: 1,
    xanchor: 'right',
    y: 1,
    yanchor: 'bottom',
    pad: { b: 10 },
    buttons: [button('iteration'), button('time')],
  };
}

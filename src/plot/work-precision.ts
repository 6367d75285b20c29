import type { PlotData } from 'plotly.js';
import type { Figure } from './figure.js';
import { figureMargin, figureTitle } from './layout.js';

/** One measured solve for {@link workPrecision}: a method at one tolerance (or step size). */
export interface WorkPrecisionRow {
  /** Method name; one trace per distinct name (e.g. `'rk4'`, `'dopri5'`, `'odex (float64)'`). */
  method: string;
  /** Function evaluations the solve used. */
  nfe: number;
  /** Error of the solution against a reference (any positive norm; zero is clamped for the log axis). */
  error: number;
  /** What was varied (tolerance or step size), shown on hover. */
  setting?: number;
}

/** Options of {@link workPrecision}. */
export interface WorkPrecisionOptions {
  /** Figure title. Default 'work vs precision'. */
  title?: string;
  /** Axis title of the error. Default 'error'. */
  errorLabel?: string;
}

/**
 * A work–precision diagram: error against the number of function evaluations, log–log, one line
 * per method with points sorted by NFE. Lower-left is better; the slope of a fixed-step method's
 * line is minus its order.
 *
 * @param rows One row per (method, tolerance) run: its NFE and error.
 * @param options Title and error-axis label; see {@link WorkPrecisionOptions}.
 *
 * @example
 * const rows = [1e-3, 1e-5, 1e-7].map((tol) => {
 *   const r = odexSolve(f, [2, 0], ts, { rtol: tol, atol: tol });
 *   return { method: 'odex', nfe: r.stats.nfe, error: maxError(r.ys), setting: tol };
 * });
 * show(workPrecision(rows));
 */
export function workPrecision(rows: readonly WorkPrecisionRow[], options: WorkPrecisionOptions = {}): Figure {
  const methods = [...new Set(rows.map((r) => r.method))];
  const data = methods.map((method) => {
    const rs = rows.filter((r) => r.method === method).sort((a, b) => a.nfe - b.nfe);
    const trace: Partial<PlotData> = {
      type: 'scatter',
      mode: 'lines+markers',
      name: method,
      x: rs.map((r) => r.nfe),
      // a log axis cannot show 0: clamp to the smallest float64 error worth drawing
      y: rs.map((r) => Math.max(r.error, 1e-16)),
      text: rs.map((r) => (r.setting === undefined ? '' : `setting ${r.setting}`)),
      hovertemplate: '%{fullData.name}<br>NFE %{x}<br>error %{y:.3e}<br>%{text}<extra></extra>',
    };
    return trace;
  });
  return {
    data,
    layout: {
      title: figureTitle(options.title ?? 'work vs precision'),
      margin: figureMargin(),
      xaxis: { type: 'log', title: { text: 'function evaluations (NFE)' } },
      yaxis: { type: 'log', title: { text: options.errorLabel ?? 'error' }, exponentformat: 'e' },
      height: 480,
    },
  };
}

import type { IterationRecord } from '../metrics/history.js';
import type { Figure } from './figure.js';
import { figureMargin, figureTitle } from './layout.js';

/**
 * Training curve of an image model in bits per dimension: the training loss (nats per image)
 * divided by `dim · ln 2`, and the held-out bits/dim of the evaluation iterations.
 *
 * @param history Iteration records of a run (`result.history`).
 * @param dim Dimensions per image (H·W·C).
 * @param title Figure title. Default 'bits per dimension'.
 */
export function bitsPerDimCurve(
  history: readonly IterationRecord[],
  dim: number,
  title = 'bits per dimension',
): Figure {
  const evals = history.filter((r) => r.testBpd !== undefined);
  return {
    data: [
      {
        type: 'scatter',
        mode: 'lines',
        name: 'train bits/dim',
        x: history.map((r) => r.iteration),
        y: history.map((r) => r.loss / (dim * Math.LN2)),
      },
      {
        type: 'scatter',
        mode: 'lines+markers',
        name: 'test bits/dim',
        x: evals.map((r) => r.iteration),
        y: evals.map((r) => r.testBpd ?? null),
      },
    ],
    layout: {
      title: figureTitle(title),
      margin: figureMargin(),
      xaxis: { title: { text: 'iteration' } },
      yaxis: { title: { text: 'bits/dim' } },
      height: 420,
    },
  };
}

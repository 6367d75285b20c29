import type { IterationRecord } from '../metrics/history.js';
import { nfeBackward, nfeForward } from '../metrics/history.js';
import type { Figure } from './figure.js';

/**
 * Training curves: loss and held-out NLL against iteration (top), and NFE forward/backward
 * (bottom) when the model reported them.
 */
export function trainingCurves(history: readonly IterationRecord[], title = 'training'): Figure {
  const it = history.map((r) => r.iteration);
  const evals = history.filter((r) => r.testNll !== undefined);
  const data: Record<string, unknown>[] = [
    { type: 'scatter', mode: 'lines', name: 'train loss', x: it, y: history.map((r) => r.loss) },
    {
      type: 'scatter',
      mode: 'lines+markers',
      name: 'test NLL',
      x: evals.map((r) => r.iteration),
      y: evals.map((r) => r.testNll),
    },
  ];
  const fwd = history.map((r) => nfeForward(r.info) ?? null);
  const bwd = history.map((r) => nfeBackward(r.info) ?? null);
  const hasNfe = fwd.some((v) => v !== null) || bwd.some((v) => v !== null);
  if (hasNfe) {
    data.push(
      { type: 'scatter', mode: 'lines', name: 'NFE forward', x: it, y: fwd, xaxis: 'x', yaxis: 'y2' },
      { type: 'scatter', mode: 'lines', name: 'NFE backward', x: it, y: bwd, xaxis: 'x', yaxis: 'y2' },
    );
  }
  return {
    data,
    layout: {
      title: { text: title },
      xaxis: { title: { text: 'iteration' }, anchor: hasNfe ? 'y2' : 'y' },
      yaxis: { title: { text: 'nats' }, domain: hasNfe ? [0.42, 1] : [0, 1] },
      ...(hasNfe ? { yaxis2: { title: { text: 'NFE' }, domain: [0, 0.32] } } : {}),
      height: hasNfe ? 620 : 420,
    },
  };
}

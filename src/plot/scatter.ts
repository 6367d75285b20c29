import type { Figure } from './figure.js';
import { figureMargin, figureTitle, X1, X2 } from './layout.js';
import { columns, type Points } from './points.js';

/** Options of {@link samplesVsData}. */
export interface SamplesVsDataOptions {
  /** Axis range for both panels. Default [-4, 4]. */
  range?: readonly [number, number];
  /** Figure title. Default 'data vs model samples'. */
  title?: string;
}

/**
 * Data and model samples side by side (two panels, shared ranges).
 *
 * @param samples Model samples `[n, 2]`.
 * @param data Data points `[m, 2]`.
 * @param options Shared axis range and title; see {@link SamplesVsDataOptions}.
 *
 * @example
 * show(samplesVsData(model.sample(1000), toyData('moons', 1000, 0)));
 */
export function samplesVsData(samples: Points, data: Points, options: SamplesVsDataOptions = {}): Figure {
  const range = [...(options.range ?? [-4, 4])];
  const d = columns(data);
  const s = columns(samples);
  const marker = { size: 3, opacity: 0.6 };
  return {
    data: [
      { type: 'scattergl', mode: 'markers', name: 'data', ...d, marker: { ...marker, color: '#1f77b4' } },
      {
        type: 'scattergl',
        mode: 'markers',
        name: 'samples',
        ...s,
        xaxis: 'x2',
        yaxis: 'y2',
        marker: { ...marker, color: '#d62728' },
      },
    ],
    layout: {
      title: figureTitle(options.title ?? 'data vs model samples'),
      margin: figureMargin(),
      grid: { rows: 1, columns: 2, pattern: 'independent' },
      xaxis: { range, domain: [0, 0.46], title: { text: `${X1} (data)` }, constrain: 'domain' },
      yaxis: { range, scaleanchor: 'x', title: { text: X2 } },
      xaxis2: { range, domain: [0.54, 1], title: { text: `${X1} (model samples)` }, constrain: 'domain' },
      yaxis2: { range, scaleanchor: 'x2', title: { text: X2 } },
      height: 500,
      showlegend: false,
    },
  };
}

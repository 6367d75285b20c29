import type { Figure } from './figure.js';
import { columns, type Points } from './points.js';

/** Options of {@link samplesVsData}. */
export interface SamplesVsDataOptions {
  /** Axis range for both panels. Default [-4, 4]. */
  range?: readonly [number, number];
  /** Figure title. Default 'data vs model samples'. */
  title?: string;
}

/** Data and model samples side by side (two panels, shared ranges). */
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
      title: { text: options.title ?? 'data vs model samples' },
      grid: { rows: 1, columns: 2, pattern: 'independent' },
      xaxis: { range, domain: [0, 0.47], title: { text: 'data' } },
      yaxis: { range, scaleanchor: 'x' },
      xaxis2: { range, domain: [0.53, 1], title: { text: 'model samples' } },
      yaxis2: { range, scaleanchor: 'x2' },
      height: 480,
      showlegend: false,
    },
  };
}

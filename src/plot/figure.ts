import type { Config, Frame, Layout, PlotData } from 'plotly.js';

/**
 * A plotly figure spec: traces, layout and config, as plotly.js takes them, typed with plotly's
 * own declarations (`@types/plotly.js`). Plain JSON: it is serialised into the page as is.
 */
export interface Figure {
  /** Traces (`Plotly.newPlot`'s `data`). */
  data: Partial<PlotData>[];
  /** Layout (`Plotly.newPlot`'s `layout`). */
  layout?: Partial<Layout>;
  /** Config (`Plotly.newPlot`'s `config`). */
  config?: Partial<Config>;
  /** Animation frames (`Plotly.addFrames`). */
  frames?: Partial<Frame>[];
}

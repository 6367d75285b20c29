import Plotly from 'plotly.js-dist-min';
import type { HistoryPoint } from '../protocol.js';

/** Training loss and held-out NLL against the iteration (plotly, redrawn in place). */
export class LossPlot {
  private drawn = false;
  constructor(private readonly el: HTMLElement) {}

  update(history: readonly HistoryPoint[]): void {
    const train = history.filter((h) => Number.isFinite(h.loss));
    const test = history.filter((h) => h.testNll !== undefined);
    const data = [
      {
        x: train.map((h) => h.iteration),
        y: train.map((h) => h.loss),
        name: 'training loss',
        mode: 'lines',
        line: { color: '#888', width: 1 },
      },
      {
        x: test.map((h) => h.iteration),
        y: test.map((h) => h.testNll as number),
        name: 'held-out NLL',
        mode: 'lines+markers',
        line: { color: '#d95f02' },
      },
    ];
    const layout = {
      margin: { l: 45, r: 10, t: 10, b: 40 },
      xaxis: { title: { text: 'iteration' } },
      legend: { x: 1, xanchor: 'right', y: 1 },
      width: 360,
      height: 360,
    };
    if (!this.drawn) {
      void Plotly.newPlot(this.el, data as Plotly.Data[], layout, {
        displayModeBar: false,
        staticPlot: false,
      });
      this.drawn = true;
    } else void Plotly.react(this.el, data as Plotly.Data[], layout);
  }
}

import type { Figure } from './figure.js';
import { figureMargin } from './layout.js';

/**
 * JSON that is safe inside a `<script>` element.
 *
 * @param value Any JSON-serialisable value.
 */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

/**
 * The JavaScript that draws `fig` into the element with id `divId` (`Plotly.newPlot`, then
 * `Plotly.addFrames` for an animation). Shared by the HTML report and the notebook display.
 *
 * @param divId Id of the target element, `[A-Za-z][A-Za-z0-9_-]*`.
 * @param fig The figure (with optional animation frames).
 */
export function plotCall(divId: string, fig: Figure): string {
  if (!/^[A-Za-z][\w-]*$/.test(divId))
    throw new Error(`plot element id '${divId}' must match [A-Za-z][A-Za-z0-9_-]*`);
  const id = `'${divId}'`;
  const layout = { margin: figureMargin(), autosize: true, ...(fig.layout ?? {}) };
  const config = { responsive: true, displaylogo: false, ...(fig.config ?? {}) };
  const add = fig.frames
    ? `.then(function(){return Plotly.addFrames(${id}, ${scriptJson(fig.frames)});})`
    : '';
  return `Plotly.newPlot(${id}, ${scriptJson(fig.data)}, ${scriptJson(layout)}, ${scriptJson(config)})${add};`;
}

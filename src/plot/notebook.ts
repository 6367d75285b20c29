import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { plotCall } from './embed.js';
import type { Figure } from './figure.js';
import { plotlyBundle } from './html.js';

/** What the notebook helpers need of a display: HTML output (tslab's `display` has it). */
export interface HtmlDisplay {
  /**
   * Shows an HTML fragment as the output of the running cell.
   *
   * @param s The HTML fragment.
   */
  html(s: string): void;
}

/** Options of {@link show}, {@link showAll} and {@link notebookSetup}. */
export interface ShowOptions {
  /**
   * Where the HTML goes. Default: tslab's `display`, required from the `tslab` package at run time
   * (odeflow does not depend on tslab). Pass your own when tslab is installed elsewhere.
   */
  display?: HtmlDisplay;
}

/** Options of {@link notebookSetup}. */
export interface NotebookSetupOptions extends ShowOptions {
  /** Emit plotly.js again even if this kernel already did (e.g. after clearing all outputs). Default false. */
  force?: boolean;
}

/** The displays that already received plotly.js in this process (one kernel = one notebook). */
const loadedInto = new WeakSet<HtmlDisplay>();

interface TslabModule {
  display: HtmlDisplay;
}

/**
 * tslab's display, when this process is a tslab kernel that can display (the `tslab` package is
 * required lazily; outside a kernel its display throws "Not ready").
 */
function tslabDisplay(): HtmlDisplay {
  let tslab: TslabModule;
  try {
    tslab = createRequire(import.meta.url)('tslab') as TslabModule;
  } catch {
    throw new Error(
      'show() displays figures in a tslab notebook, but the tslab package cannot be loaded here; ' +
        'outside a notebook use writeHtml(path, figs), or pass { display } explicitly',
    );
  }
  return tslab.display;
}

/** True when this process is a tslab kernel ready to display (so {@link show} will work). */
export function inNotebook(): boolean {
  try {
    const jupyter = createRequire(import.meta.url)('tslab/dist/jupyter.js') as {
      lastWriteDisplayData?: unknown;
    };
    return typeof jupyter.lastWriteDisplayData === 'function';
  } catch {
    return false;
  }
}

function emit(display: HtmlDisplay, html: string): void {
  try {
    display.html(html);
  } catch (err) {
    if ((err as Error).message === 'Not ready') {
      throw new Error(
        'show() needs a running tslab kernel (tslab says "Not ready"): run it in a notebook, ' +
          'or write the figures to a file with writeHtml(path, figs)',
      );
    }
    throw err;
  }
}

/**
 * Puts plotly.js into the notebook's output, once per kernel: a script that defines
 * `window.Plotly` (the bundle from `plotly.js-dist-min`, never a CDN, so the saved notebook renders
 * offline), and a one-line note. {@link show} calls it by itself the first time; call it in the
 * first cell to keep the ~4.8 MB script in one predictable place.
 *
 * @param options The display to write to, and `force` to emit plotly.js again; see {@link NotebookSetupOptions}.
 *
 * @example
 * import * as odeflow from 'odeflow/node';
 * await odeflow.initBackend();
 * odeflow.notebookSetup(); // first cell: plotly.js embedded once
 */
export function notebookSetup(options: NotebookSetupOptions = {}): void {
  const display = options.display ?? tslabDisplay();
  if (loadedInto.has(display) && !options.force) return;
  // Hide module/exports/define so that a page with require.js (classic Jupyter) or CommonJS
  // globals still gets window.Plotly from the bundle's UMD wrapper.
  emit(
    display,
    '<script type="text/javascript">(function(module, exports, define){\n' +
      plotlyBundle() +
      '\n})();</script>' +
      '<div class="odeflow-plotly-loaded" style="font-size:small;color:#666">' +
      'odeflow: plotly.js is embedded in this notebook (works offline).</div>',
  );
  loadedInto.add(display);
}

/** The HTML fragment that draws one figure, given plotly.js is on the page. */
function figureHtml(fig: Figure): string {
  const id = `odeflow-fig-${randomBytes(6).toString('hex')}`;
  const width = typeof fig.layout?.width === 'number' ? `width:${fig.layout.width}px;` : '';
  const height = typeof fig.layout?.height === 'number' ? fig.layout.height : 450;
  return (
    `<div id="${id}" class="odeflow-plot" style="${width}height:${height}px"></div>` +
    `<script type="text/javascript">(function(){` +
    `if (typeof window.Plotly === 'undefined') {` +
    `document.getElementById('${id}').textContent = 'plotly.js is not loaded on this page: ` +
    `run notebookSetup() (or the whole notebook) again to draw this figure.'; return; }` +
    `${plotCall(id, fig)}})();</script>`
  );
}

/**
 * Shows a figure as the output of the running tslab notebook cell, interactively (plotly.js is
 * embedded once per notebook by {@link notebookSetup}, which this calls the first time).
 *
 * @example
 * import { show, trajectories } from 'odeflow/node';
 * show(trajectories(paths));
 *
 * @param fig The figure to draw in the notebook cell.
 * @param options See {@link ShowOptions}.
 */
export function show(fig: Figure, options: ShowOptions = {}): void {
  const display = options.display ?? tslabDisplay();
  notebookSetup({ display });
  emit(display, figureHtml(fig));
}

/**
 * Shows several figures, one output each, in order ({@link show} for each).
 *
 * @param figs The figures, in order.
 * @param options The display to write to; see {@link ShowOptions}.
 */
export function showAll(figs: readonly Figure[], options: ShowOptions = {}): void {
  for (const fig of figs) show(fig, options);
}

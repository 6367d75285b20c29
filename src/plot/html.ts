import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { writeFileAtomic } from '../atomic.js';
import { plotCall } from './embed.js';
import type { Figure } from './figure.js';

let plotlySource: string | undefined;

/** The plotly.js bundle's source, read once from the installed `plotly.js-dist-min`. */
export function plotlyBundle(): string {
  if (plotlySource === undefined) {
    const path = createRequire(import.meta.url).resolve('plotly.js-dist-min');
    plotlySource = readFileSync(path, 'utf8');
  }
  return plotlySource;
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A table shown above the figures (e.g. a run's settings). Cells are plain text. */
export interface HtmlTable {
  /** Caption above the table. */
  caption?: string;
  /** Header cells; none for a two-column key/value table. */
  header?: readonly string[];
  /** Rows of cells. */
  rows: readonly (readonly string[])[];
}

/** Options of {@link renderHtml} and {@link writeHtml}. */
export interface HtmlOptions {
  /** Page title and heading. Default 'odeflow report'. */
  title?: string;
  /** Paragraphs (plain text) shown under the heading. */
  notes?: string[];
  /** Tables shown under the notes, before the figures (the run's settings, a comparison). */
  tables?: readonly HtmlTable[];
}

function renderTable(t: HtmlTable): string {
  const cap = t.caption ? `<caption>${escapeHtml(t.caption)}</caption>` : '';
  const head = t.header
    ? `<thead><tr>${t.header.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('')}</tr></thead>`
    : '';
  const rows = t.rows
    .map((r) => {
      const [first, ...rest] = r;
      const key = t.header
        ? `<td>${escapeHtml(first ?? '')}</td>`
        : `<th scope="row">${escapeHtml(first ?? '')}</th>`;
      return `<tr>${key}${rest.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`;
    })
    .join('\n');
  return `<table class="settings">${cap}${head}<tbody>\n${rows}\n</tbody></table>`;
}

/**
 * Whether a figure is drawn across the whole page width: every figure except single square 2-D
 * plots (equal axis scales, one panel), which sit two to a row on wide screens.
 *
 * @param fig The figure.
 */
export function isWideFigure(fig: Figure): boolean {
  const layout = (fig.layout ?? {}) as Record<string, unknown>;
  const y = layout.yaxis as { scaleanchor?: string } | undefined;
  return !(y?.scaleanchor === 'x' && layout.xaxis2 === undefined);
}

const STYLE = `body{font-family:system-ui,sans-serif;margin:0 auto;padding:0 1.5em 2em;max-width:none}
h1{font-size:1.5em;margin:.8em 0 .3em}
.figs{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,520px),1fr));grid-auto-flow:row dense;gap:1em 2em}
.fig{min-height:420px;min-width:0}.fig.wide{grid-column:1/-1}
table.settings{border-collapse:collapse;margin:.8em 0;font-size:.92em}
table.settings caption{text-align:left;font-weight:600;padding:.3em 0}
table.settings th,table.settings td{border:1px solid #ddd;padding:.25em .7em;text-align:left;vertical-align:top}
table.settings th[scope=row]{background:#f6f6f6;font-weight:500}`;

/**
 * A self-contained HTML page showing the figures: plotly.js is inlined (no CDN), so the page
 * works offline. The page uses the full window width: square 2-D plots two to a row where they
 * fit, curves and multi-panel figures across the whole width; figures resize with the window.
 *
 * @param figs The figures, drawn in order.
 * @param options Page `title`, `notes` (paragraphs) and `tables` (e.g. run settings): see {@link HtmlOptions}.
 */
export function renderHtml(figs: readonly Figure[], options: HtmlOptions = {}): string {
  const title = options.title ?? 'odeflow report';
  const notes = (options.notes ?? []).map((n) => `<p>${escapeHtml(n)}</p>`).join('\n');
  const tables = (options.tables ?? []).map(renderTable).join('\n');
  const divs = figs
    .map((f, i) => `<div id="fig${i}" class="fig${isWideFigure(f) ? ' wide' : ''}"></div>`)
    .join('\n');
  const calls = figs.map((fig, i) => plotCall(`fig${i}`, fig)).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
<script>${plotlyBundle()}</script></head>
<body><h1>${escapeHtml(title)}</h1>
${notes}
${tables}
<div class="figs">
${divs}
</div>
<script>${calls}</script>
</body></html>
`;
}

/**
 * Writes {@link renderHtml}'s page to `path` atomically (temp file, then rename).
 *
 * @param path The HTML file to write (folders are created).
 * @param figs The figures, drawn in order.
 * @param options Page `title`, `notes` and `tables`: see {@link HtmlOptions}.
 * @example
 * writeHtml('out/curves.html', [trainingCurves(result.history)], { title: 'my run' });
 */
export function writeHtml(path: string, figs: readonly Figure[], options: HtmlOptions = {}): void {
  // temp file then rename; on failure (e.g. `path` is a directory) the temp file is removed
  writeFileAtomic(path, renderHtml(figs, options));
}

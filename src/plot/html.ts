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

/** Options of {@link renderHtml} and {@link writeHtml}. */
export interface HtmlOptions {
  /** Page title and heading. Default 'odeflow report'. */
  title?: string;
  /** Paragraphs (plain text) shown under the heading. */
  notes?: string[];
}

/**
 * A self-contained HTML page showing the figures: plotly.js is inlined (no CDN), so the page
 * works offline.
 */
export function renderHtml(figs: readonly Figure[], options: HtmlOptions = {}): string {
  const title = options.title ?? 'odeflow report';
  const notes = (options.notes ?? []).map((n) => `<p>${escapeHtml(n)}</p>`).join('\n');
  const divs = figs.map((_, i) => `<div id="fig${i}" class="fig"></div>`).join('\n');
  const calls = figs.map((fig, i) => plotCall(`fig${i}`, fig)).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em}.fig{min-height:420px;margin:1.5em 0}</style>
<script>${plotlyBundle()}</script></head>
<body><h1>${escapeHtml(title)}</h1>
${notes}
${divs}
<script>${calls}</script>
</body></html>
`;
}

/** Writes {@link renderHtml}'s page to `path` atomically (temp file, then rename). */
export function writeHtml(path: string, figs: readonly Figure[], options: HtmlOptions = {}): void {
  // temp file then rename; on failure (e.g. `path` is a directory) the temp file is removed
  writeFileAtomic(path, renderHtml(figs, options));
}

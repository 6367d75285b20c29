export type { Figure } from './figure.js';
export { type HtmlOptions, plotlyBundle, renderHtml, writeHtml } from './html.js';

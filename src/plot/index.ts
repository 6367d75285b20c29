export type { Figure } from './figure.js';
export { renderHtml, writeHtml, plotlyBundle, type HtmlOptions } from './html.js';

import type { Layout } from 'plotly.js';

/**
 * Top margin (px) of every odeflow figure. plotly's toolbar (the "modebar") sits in the top
 * ~35 px of the figure; the title is drawn just above the plot area (see {@link figureTitle}),
 * so with this margin the two never share a pixel, whatever the figure's width.
 */
export const TOP_MARGIN = 84;

/**
 * A figure title placed just above the plot area (`yref: 'paper'`, anchored at its bottom), left
 * aligned, so it stays below the toolbar at the top right of the figure.
 *
 * @param text The title text.
 */
export function figureTitle(text: string): Partial<Layout['title']> {
  return {
    text,
    x: 0,
    xref: 'paper',
    xanchor: 'left',
    y: 1,
    yref: 'paper',
    yanchor: 'bottom',
    pad: { b: 14 },
    font: { size: 16 },
  } as Partial<Layout['title']>;
}

/**
 * The margins of an odeflow figure (left/right/bottom as plotly's defaults, the top from {@link TOP_MARGIN}).
 *
 * @param extra Margins that replace the defaults (top {@link TOP_MARGIN}, left 70, right 30, bottom 70).
 */
export function figureMargin(extra: Partial<Layout['margin']> = {}): Partial<Layout['margin']> {
  return { t: TOP_MARGIN, l: 70, r: 30, b: 70, ...extra };
}

/** Title of the first axis of a 2-D data plot. */
export const X1 = 'x₁';
/** Title of the second axis of a 2-D data plot. */
export const X2 = 'x₂';

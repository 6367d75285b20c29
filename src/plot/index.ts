export { trainingCurves } from './curves.js';
export { type DensityHeatmapOptions, densityHeatmap } from './density.js';
export type { Figure } from './figure.js';
export { type HtmlOptions, plotlyBundle, renderHtml, writeHtml } from './html.js';
export { columns, type Points } from './points.js';
export { buildReport, type ReportOptions, type TrajectoryModel } from './report.js';
export { type SamplesVsDataOptions, samplesVsData } from './scatter.js';
export { type TrajectoriesOptions, trajectories } from './trajectories.js';

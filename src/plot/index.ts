export { type AnimationOptions, animation } from './animation.js';
export { bitsPerDimCurve } from './bits-curve.js';
export { type CompareCurvesOptions, type ComparedRun, compareCurves } from './compare.js';
export {
  CURVE_AXIS_TITLES,
  type CurveAxis,
  curveX,
  type TrainingCurvesOptions,
  trainingCurves,
} from './curves.js';
export { type DensityHeatmapOptions, densityHeatmap } from './density.js';
export { plotCall, scriptJson } from './embed.js';
export type { Figure } from './figure.js';
export { type ImageGridOptions, type ImagePanel, type Images, imageGrid, tileImages } from './image-grid.js';
export { figureMargin, figureTitle, TOP_MARGIN, X1, X2 } from './layout.js';
export { columns, type Points } from './points.js';
export { buildReport, type ReportOptions, type TrajectoryModel } from './report.js';
export { type SamplesVsDataOptions, samplesVsData } from './scatter.js';
export { smoothEma } from './smooth.js';
export { type TrajectoriesOptions, trajectories } from './trajectories.js';
export { type WorkPrecisionOptions, type WorkPrecisionRow, workPrecision } from './work-precision.js';

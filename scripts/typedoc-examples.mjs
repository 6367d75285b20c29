// A typedoc plugin that fails the API docs build (a warning, which typedoc.json turns into an
// error) when one of odeflow's main entries has no @example in its doc comment. The list is the
// public surface a new user starts from (README, DESIGN.md §2); add to it when a new main entry
// lands.
import { Converter, ReflectionKind } from 'typedoc';

/** Exports that must show an example: functions (their first signature) and classes. */
export const MAIN_ENTRIES = [
  // solvers and gradients
  'initBackend',
  'odeint',
  'solveIvp',
  'odeintAdjoint',
  'odexSolve',
  'odeintAsync',
  'solveIvpAsync',
  'odeintEvent',
  'divergence',
  'hutchinson',
  // models
  'mlpField',
  'CNF',
  'realNVP',
  'nice',
  'glow',
  'planar',
  'radial',
  'maf',
  'nsf',
  'flowMatching',
  'LatentODE',
  // data, training, plots
  'toyData',
  'toySampler',
  'train',
  'evaluate',
  'buildReport',
  'densityHeatmap',
  'trajectories',
  'animation',
  'samplesVsData',
  'trainingCurves',
  'workPrecision',
  'show',
  'notebookSetup',
  'saveCheckpoint',
  'loadCheckpoint',
];

/** Whether a reflection (or, for a function, its first signature) has an @example block. */
function hasExample(reflection) {
  const comments = [reflection.comment, ...(reflection.signatures ?? []).map((s) => s.comment)];
  return comments.some((c) => c?.getTag('@example'));
}

/** @param {import('typedoc').Application} app */
export function load(app) {
  app.converter.on(Converter.EVENT_RESOLVE_END, (context) => {
    const found = new Map();
    for (const r of context.project.getReflectionsByKind(ReflectionKind.Function | ReflectionKind.Class)) {
      if (!r.parent?.kindOf(ReflectionKind.Project | ReflectionKind.Module)) continue;
      found.set(r.name, (found.get(r.name) ?? false) || hasExample(r));
    }
    for (const name of MAIN_ENTRIES) {
      if (!found.has(name)) app.logger.warn(`main entry '${name}' (scripts/typedoc-examples.mjs) is not exported`);
      else if (!found.get(name)) app.logger.warn(`main entry '${name}' has no @example in its doc comment`);
    }
  });
}

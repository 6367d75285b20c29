export { odeintAdjoint } from './adjoint.js';
export { type AdjointGradients, adjointGradAsync } from './adjoint-async.js';
export type { AdjointOptions, BackwardSettings } from './adjoint-options.js';
export { PIController } from './controller.js';
export {
  MaxStepsError,
  NonFiniteError,
  OdeError,
  OdeOptionError,
  OdeShapeError,
  StepSizeUnderflowError,
} from './errors.js';
export {
  type EventFunc,
  type EventResult,
  OdeEventError,
  type OdeintEventOptions,
  odeintEvent,
} from './event.js';
export { ADAPTIVE_METHODS, FIXED_METHODS } from './methods.js';
export { odeint, solveIvp } from './odeint.js';
export { type OdexOptions, type OdexResult, odexSolve } from './odex.js';
export { DEFAULT_OPTIONS, METHOD_NAMES, type SolverOptions } from './options.js';
export { isPerSampleTimes, type PerSampleTimes } from './per-sample.js';
export type { SolvePlan } from './plan.js';
export { type AsyncSolveResult, odeintAsync, replayIvp, solveIvpAsync } from './solve-ivp-async.js';
export type { ButcherTableau, DenseOutput, EmbeddedTableau } from './tableau.js';
export { holdForBackward, releaseTape, TapeHeld } from './tape.js';
export { tf } from './tf.js';
export type {
  AdaptiveMethodName,
  FixedMethodName,
  MethodName,
  OdeFunc,
  OdeintOptions,
  OdeModule,
  SolveResult,
  SolveStats,
} from './types.js';

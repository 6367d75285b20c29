import type { ResolvedOptions } from './options.js';

/**
 * The steps an asynchronous solve accepted, kept so that the same solve can be replayed
 * synchronously without reading anything from the device (under a gradient tape, for
 * backpropagation): the replay evaluates exactly the accepted steps' stages and dense outputs,
 * so its gradient is that of the synchronous solve. Data only; made by `solveIvpAsync`.
 */
export interface SolvePlan {
  /** The output times. */
  readonly ts: readonly number[];
  /** Shape of the state the plan was made for. */
  readonly shape: readonly number[];
  /** The resolved solver options. */
  readonly options: ResolvedOptions;
  /** End time of every accepted step, in order (empty for fixed-step methods, whose grid is fixed). */
  readonly stepEnds: readonly number[];
}

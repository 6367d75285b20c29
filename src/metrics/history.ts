import type { LossInfo } from '../model.js';

/** What one training iteration produced. */
export interface IterationRecord {
  /** 1-based iteration number. */
  iteration: number;
  /** Training loss on the batch (before the step). */
  loss: number;
  /** Held-out negative log-likelihood (nats per point), on evaluation iterations only. */
  testNll?: number;
  /** Held-out bits per dimension (image models), on evaluation iterations only. */
  testBpd?: number;
  /** Global L2 norm of the gradient. */
  gradNorm: number;
  /** The model's numbers for this iteration (NFE, regularizers, …), as its `trainLoss` reported them. */
  info: LossInfo;
  /** Seconds this iteration took (step only, not evaluation or checkpointing). */
  seconds: number;
  /** Seconds since training started (all iterations of this run, resumed runs included). */
  elapsed: number;
}

/** Info keys read as forward NFE (first present wins). */
export const NFE_FORWARD_KEYS = ['nfe', 'nfeForward'] as const;
/** Info key read as backward NFE. */
export const NFE_BACKWARD_KEY = 'nfeBackward';

/**
 * Forward NFE of a record's info, if the model reported one.
 *
 * @param info The `info` of an iteration record.
 */
export function nfeForward(info: LossInfo): number | undefined {
  for (const k of NFE_FORWARD_KEYS) if (typeof info[k] === 'number') return info[k];
  return undefined;
}

/**
 * Backward NFE of a record's info, if the model reported one.
 *
 * @param info The `info` of an iteration record.
 */
export function nfeBackward(info: LossInfo): number | undefined {
  return typeof info[NFE_BACKWARD_KEY] === 'number' ? info[NFE_BACKWARD_KEY] : undefined;
}

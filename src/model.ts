import type { Tensor, tf } from '../solvers/tf.js';

/** JSON-serialisable description of a model: enough to rebuild it (weights travel separately). */
export interface ModelConfig {
  /** Registered model kind, e.g. `'cnf'`, `'realnvp'`. */
  readonly kind: string;
  readonly [key: string]: unknown;
}

/** Per-iteration numbers a model reports to the training loop (NFE, regularizer values, …). */
export type LossInfo = Record<string, number>;

/**
 * What training, evaluation, checkpoints, the CLI and reports need of a density model. The CNF
 * and every discrete flow implement it.
 */
export interface DensityModel {
  /** Dimension of a data point (flattened). */
  readonly dim: number;
  /** Trainable variables, in a stable order (checkpoints rely on it). */
  readonly params: readonly tf.Variable[];
  /** log p(x) for a batch `[B, dim]` → `[B]`. */
  logProb(x: Tensor): Tensor;
  /** n samples `[n, dim]`; a seed makes them reproducible. */
  sample(n: number, seed?: number): Tensor;
  /**
   * The training objective on a batch (mean negative log-likelihood plus any regularizer), a
   * scalar, with numbers to report. Models without extras may return `{ loss: -mean(logProb) }`.
   */
  trainLoss(x: Tensor): { loss: Tensor; info: LossInfo };
  /** Configuration to rebuild the model (see `src/registry.ts`). */
  config(): ModelConfig;
}

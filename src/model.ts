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
 * What training, evaluation, checkpoints, the CLI and reports need of a density model. The one
 * implementation is `FlowModel` (src/core/flow-model.ts): discrete flows, CNFs, mixed chains and
 * flow matching's result are all one; tests may bring their own.
 */
export interface DensityModel {
  /** Dimension of a data point (flattened). */
  readonly dim: number;
  /** Trainable variables, in a stable order (checkpoints rely on it). */
  readonly params: readonly tf.Variable[];
  /**
   * log p(x | context) for a batch `[B, dim]` (context `[B, C]` for conditional models) → `[B]`.
   *
   * @param x Batch `[B, dim]` (for image models: integer pixels `[B, dim]`).
   * @param context Per-example context `[B, C]` of a conditional model, or absent.
   */
  logProb(x: Tensor, context?: Tensor): Tensor;
  /**
   * n samples `[n, dim]` given a context; a number in second place is the seed (a seed makes them reproducible).
   *
   * @param n Number of samples.
   * @param context Context `[n, C]`, or `[1, C]` / `[C]` shared by all n; a number here is the seed.
   * @param seed Seed of the base draw; unseeded when omitted.
   */
  sample(n: number, context?: Tensor | number, seed?: number): Tensor;
  /**
   * The training objective on a batch (mean negative log-likelihood plus any regularizer), a
   * scalar, with numbers to report. Models without extras may return `{ loss: -mean(logProb) }`.
   *
   * @param x Training batch `[B, dim]`.
   * @param context Per-example context `[B, C]` of a conditional model, or absent.
   */
  trainLoss(
    x: Tensor,
    context?: Tensor,
  ): {
    /** Scalar loss to minimise. */
    loss: Tensor;
    /** Counts and loss terms, as numbers. */
    info: LossInfo;
  };
  /**
   * Optional: the training loss and its gradients with respect to `params` (same order and
   * shapes), computed by the model's own hand-written first-order backward pass, which
   * {@link train} then uses instead of tfjs autodiff of {@link DensityModel.trainLoss} (fewer
   * kernels: see src/nn/mlp-step.ts). Must equal what autodiff of `trainLoss` gives on the same
   * draws. Returning `undefined` falls back to autodiff for this batch.
   *
   * @param x Training batch `[B, dim]`.
   */
  lossAndGradients?(x: Tensor):
    | {
        /** Scalar loss (as `trainLoss` would return). */
        loss: Tensor;
        /** Gradients in `params` order. */
        grads: Tensor[];
        /** Counts and loss terms, as numbers. */
        info: LossInfo;
      }
    | undefined;
  /**
   * Optional: {@link DensityModel.lossAndGradients} without synchronous reads, for backends
   * without them (WebGPU in Node): the training loss and its gradients in `params` order from the
   * model's own backward pass (e.g. a CNF's adjoint solve, whose steps are chosen with async
   * reads). {@link train} with `reads: 'async'` uses it before `trainPassAsync`; resolving to
   * `undefined` means "use `trainPassAsync`" for this batch.
   *
   * @param x Training batch `[B, dim]`.
   * @param context Per-example context `[B, C]` of a conditional model, or absent.
   */
  lossAndGradientsAsync?(
    x: Tensor,
    context?: Tensor,
  ): Promise<
    | {
        /** Scalar loss (as `trainLoss` would return). */
        loss: Tensor;
        /** Gradients in `params` order. */
        grads: Tensor[];
        /** Counts and loss terms, as numbers. */
        info: LossInfo;
      }
    | undefined
  >;
  /** Configuration to rebuild the model (see the model table, src/train/models.ts). */
  config(): ModelConfig;
  /**
   * {@link logProb} for backends without synchronous reads (WebGPU in Node): every read awaited.
   *
   * @param x Batch `[B, dim]`.
   * @param context Per-example context `[B, C]` of a conditional model, or absent.
   */
  logProbAsync?(x: Tensor, context?: Tensor): Promise<Tensor>;
  /**
   * {@link sample} for backends without synchronous reads.
   *
   * @param n Number of samples.
   * @param context Context `[n, C]`, or `[1, C]` / `[C]` shared by all n; a number here is the seed.
   * @param seed Seed of the base draw; unseeded when omitted.
   */
  sampleAsync?(n: number, context?: Tensor | number, seed?: number): Promise<Tensor>;
  /**
   * Phase one of a training step that reads nothing synchronously: makes, asynchronously and off
   * the gradient tape, every choice {@link trainLoss} reads numbers for (a CNF's adaptive steps,
   * end time and probe; an OT coupling), and returns a {@link TrainPass} whose `loss()` is the
   * training loss for those choices, synchronous and read-free (run it under `tf.variableGrads`).
   * `train` uses it when its `reads` option is `'async'`.
   *
   * @param x Training batch `[B, dim]`.
   * @param context Per-example context `[B, C]` of a conditional model, or absent.
   */
  trainPassAsync?(x: Tensor, context?: Tensor): Promise<TrainPass>;
}

/** A training step's choices, made by {@link DensityModel.trainPassAsync}. */
export interface TrainPass {
  /**
   * The training loss for the choices made: the value and gradient of {@link DensityModel.trainLoss}
   * for the same steps and draws, computed synchronously without any read (so it runs under
   * `tf.variableGrads` on WebGPU). Numbers to report that live on the device come back as scalar
   * tensors in `reads` (kept out of any tidy scope; the caller reads them asynchronously and disposes them).
   */
  loss(): {
    /** Scalar loss to minimise. */
    loss: Tensor;
    /** Counts known without a read (e.g. `nfe`). */
    info: LossInfo;
    /** Loss terms as scalar tensors, by the `info` key they are reported under. */
    reads: Record<string, Tensor>;
  };
  /** Frees what the pass holds (solve plans, probes, coupled pairs). */
  dispose(): void;
}

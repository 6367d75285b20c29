import type { Tensor, tf } from '../../solvers/tf.js';

/**
 * The one transform contract. Every layer — discrete bijectors, a chain of them, and the CNF
 * block — implements {@link Bijector}; a chain of bijectors is a bijector, so continuous and
 * discrete layers compose freely (ActNorm → CNF block → coupling; squeeze / CNF / split).
 *
 * Conventions:
 * - axis 0 is the batch; `context` (optional) is `[B, C]`, one row per example, or absent;
 * - `forward` is the normalizing direction (data → latent), `inverse` the generative one;
 * - `logDet` is log|det| of the Jacobian of the map that was applied, `[B]`, so
 *   `inverse(forward(x).y).logDet = −forward(x).logDet`;
 * - a layer may report {@link Extras} (regularizer terms, solver counts); a chain sums them by
 *   name, and the density model adds `penalty` to its training loss;
 * - `mode.training` selects a layer's training behaviour (the CNF's training solver, divergence
 *   estimator and regularizers); layers without one ignore it.
 *
 * A new layer implements `name`, `params`, `forward` and `inverse`; the async methods are optional
 * (the chain falls back to the synchronous ones, which read nothing back).
 */
export interface Bijector {
  /** Short name for messages and summaries. */
  readonly name: string;
  /** Trainable variables, in a stable order (checkpoints rely on it). */
  readonly params: readonly tf.Variable[];
  /**
   * The normalizing direction (data → latent): y = f(x; c) and log|det ∂y/∂x|.
   *
   * @param x Input batch `[B, ...]` (data side).
   * @param context Per-example context `[B, C]`, or absent.
   * @param mode How the pass runs (training or evaluation); layers without a training behaviour ignore it.
   */
  forward(x: Tensor, context?: Tensor, mode?: PassMode): ForwardResult;
  /**
   * The generative direction (latent → data): x = f⁻¹(y; c) and log|det ∂x/∂y|.
   *
   * @param y Input batch `[B, ...]` (latent side).
   * @param context Per-example context `[B, C]`, or absent.
   * @param mode How the pass runs (training or evaluation); layers without a training behaviour ignore it.
   */
  inverse(y: Tensor, context?: Tensor, mode?: PassMode): InverseResult;
  /**
   * `forward` for backends without synchronous reads (WebGPU). Default: `forward`.
   *
   * @param x Input batch `[B, ...]` (data side).
   * @param context Per-example context `[B, C]`, or absent.
   * @param mode How the pass runs (training or evaluation); layers without a training behaviour ignore it.
   */
  forwardAsync?(x: Tensor, context?: Tensor, mode?: PassMode): Promise<ForwardResult>;
  /**
   * `inverse` for backends without synchronous reads. Default: `inverse`.
   *
   * @param y Input batch `[B, ...]` (latent side).
   * @param context Per-example context `[B, C]`, or absent.
   * @param mode How the pass runs (training or evaluation); layers without a training behaviour ignore it.
   */
  inverseAsync?(y: Tensor, context?: Tensor, mode?: PassMode): Promise<InverseResult>;
  /**
   * Phase one of a training pass that reads nothing synchronously (for backends without
   * synchronous reads): makes, asynchronously and off the gradient tape, every choice the layer's
   * training pass reads numbers for (a CNF block's adaptive steps, end time and Hutchinson probe;
   * ActNorm's initialisation), and returns the image `y` of the training pass and a {@link PassPlan}.
   * Phase two is `forward(x, context, { training: true, plan })`: synchronous and free of reads,
   * so it runs under `tf.variableGrads`, with the value and gradient of the synchronous training
   * pass for the same choices. Layers whose forward pass reads nothing need not implement it
   * (a chain runs their `forward` instead).
   *
   * @param x Input batch `[B, ...]` (data side).
   * @param context Per-example context `[B, C]`, or absent.
   */
  planAsync?(x: Tensor, context?: Tensor): Promise<PlannedForward>;
  /**
   * {@link planAsync} for a training pass that runs this layer in its inverse direction (a layer
   * used through `invert`, such as planar and radial flows, whose density direction is the
   * inverse): the choices of `inverse(y, context, { training: true, plan })`.
   *
   * @param y Input batch `[B, ...]` (latent side).
   * @param context Per-example context `[B, C]`, or absent.
   */
  planInverseAsync?(y: Tensor, context?: Tensor): Promise<PlannedInverse>;
}

/** What {@link Bijector.planAsync} returns. */
export interface PlannedForward {
  /** The image of the training pass (owned by the caller). */
  y: Tensor;
  /** The choices made, for `forward(x, context, { training: true, plan })`; the caller disposes it. */
  plan: PassPlan;
}

/** What {@link Bijector.planInverseAsync} returns. */
export interface PlannedInverse {
  /** The preimage of the training pass (owned by the caller). */
  x: Tensor;
  /** The choices made, for `inverse(y, context, { training: true, plan })`; the caller disposes it. */
  plan: PassPlan;
}

/**
 * What a layer's {@link Bijector.planAsync} chose for one training pass; only that layer reads its
 * fields. It may own tensors (a Hutchinson probe): `dispose` frees them.
 */
export interface PassPlan {
  /** Frees any tensors the plan owns. */
  dispose(): void;
}

/** How a pass runs (see {@link Bijector}). */
export interface PassMode {
  /** Training pass: layers use their training settings and report regularizers. Default false. */
  readonly training?: boolean;
  /**
   * A training pass that replays the choices of {@link Bijector.planAsync} (made by this layer
   * for the same input), reading nothing synchronously. Only with `training: true`.
   */
  readonly plan?: PassPlan;
}

/**
 * What a layer reports besides the image and log-det. A chain sums every field by name.
 */
export type Extras = {
  /** Weighted regularizers per example `[B]`, added (batch mean) to the training loss. */
  readonly penalty?: Tensor;
  /** Unweighted regularizer values per example `[B]` by name (e.g. `kinetic`), for reports. */
  readonly terms?: Readonly<Record<string, Tensor>>;
  /** Counts by name (e.g. `nfe`, `nfeBackward`). */
  readonly stats?: Readonly<Record<string, number>>;
};

/** Result of a forward pass: the image and log|det ∂y/∂x| per example (`[B]`). */
export type ForwardResult = {
  /** The image, shape of the input. */
  readonly y: Tensor;
  /** log|det| of the Jacobian of the map applied, `[B]`. */
  readonly logDet: Tensor;
  /** Regularizer terms and counts the layer reports, if any. */
  readonly extras?: Extras;
};

/** Result of an inverse pass: the preimage and log|det ∂x/∂y| per example (`[B]`). */
export type InverseResult = {
  /** The preimage, shape of the input. */
  readonly x: Tensor;
  /** log|det| of the Jacobian of the map applied, `[B]`. */
  readonly logDet: Tensor;
  /** Regularizer terms and counts the layer reports, if any. */
  readonly extras?: Extras;
};

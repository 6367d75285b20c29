import type { Sampler } from '../data/toy.js';
import type { MlpField } from '../nn/mlp.js';
import { type TrainOptions, type TrainResult, train } from '../train/train.js';
import { FlowMatchingModel, type FlowMatchingOptions } from './model.js';
import { DEFAULT_OBJECTIVE } from './objective.js';

/** Options of {@link flowMatching}: the objective's and the training loop's. */
export type FlowMatchingTrainOptions = FlowMatchingOptions &
  TrainOptions & {
    /**
     * Rectified flow only: after training, this many reflow rounds, each pairing `reflowPairs`
     * source points with their images and training `iterations` more steps on those pairs. Default 0.
     */
    reflow?: number;
    /** Pairs per reflow round. Default 10 000. */
    reflowPairs?: number;
  };

/**
 * Trains `field` (noise at t = 0, data at t = 1) by flow matching on batches from `sampler`,
 * with the shared training loop (AdamW, held-out NLL through the CNF on the same field when the
 * source is normal, progress bar, checkpoints, NaN stop). Defaults differ from `train`'s where
 * regression wants it: batch 128, learning rate 3e-3, no weight decay, and no held-out evaluation
 * (`evalEvery` 0: training then solves no ODE at all; evaluation does, so keep it coarse).
 *
 * @example
 * const field = mlpField({ dim: 2, hidden: [64, 64, 64] });
 * const { model } = await flowMatching(field, toySampler('8gaussians'), { objective: 'ot-cfm', iterations: 2000 });
 * const lp = model.logProb(x); // exact log-density through the CNF
 *
 * @param field The vector field to train (an {@link mlpField}); it becomes the model's field.
 * @param sampler Training data: `sampler(n, step)` returns `[n, dim]` points (e.g. {@link toySampler}).
 * @param options The objective (`cfm`, `ot-cfm`, `rectified`), its coupling and σ, `reflow` rounds, and every option of {@link train}: see {@link FlowMatchingTrainOptions}.
 */
export async function flowMatching(
  field: MlpField,
  sampler: Sampler,
  options: FlowMatchingTrainOptions = {},
): Promise<{
  /** The trained model. */
  model: FlowMatchingModel;
  /** The first training run. */
  result: TrainResult;
  /** One training run per reflow round (empty without reflow). */
  rounds: TrainResult[];
}> {
  const reflows = options.reflow ?? 0;
  const objective = options.objective ?? DEFAULT_OBJECTIVE;
  if (reflows > 0 && objective !== 'rectified') {
    throw new Error(`reflow is part of rectified flow; objective is '${objective}'`);
  }
  const model = new FlowMatchingModel(field, options);
  const trainOptions: TrainOptions = {
    batchSize: 128,
    learningRate: 3e-3,
    evalEvery: 0,
    weightDecay: 0,
    ...options,
  };
  if (model.config().source !== 'normal') trainOptions.evalEvery = 0;
  const result = await train(model, sampler, trainOptions);
  const rounds: TrainResult[] = [];
  for (let r = 0; r < reflows; r++) {
    model.reflow(options.reflowPairs ?? 10_000, 1000 + r);
    // reflow pairs live in this model only (worker threads rebuild the model from its config,
    // without pairs), so reflow rounds train on this thread
    rounds.push(await train(model, sampler, { ...trainOptions, resume: undefined, workers: 1 }));
  }
  model.clearPairs();
  return { model, result, rounds };
}

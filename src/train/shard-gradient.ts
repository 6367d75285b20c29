import { releaseTape } from '../../solvers/tape.js';
import { type Tensor, tf } from '../../solvers/tf.js';
import type { DensityModel, LossInfo } from '../model.js';
import { readFlat } from './flat.js';
import { lossAndGradients } from './loss-gradients.js';
import type { ShardResult } from './shards.js';

/**
 * The mean training loss of `model` on `x` and its first-order gradient (the model's own
 * `lossAndGradients` when it has one, else tfjs autodiff over `model.trainLoss`), read back as numbers and one flat array in `model.params` order. Leaves no
 * tensors behind, also when the loss throws (the tape is released).
 *
 * @param model The model whose `trainLoss` and `params` to use.
 * @param x The shard `[n, dim]` (not disposed).
 */
export function shardGradient(model: DensityModel, x: Tensor): ShardResult {
  let info: LossInfo;
  let value: Tensor;
  let list: Tensor[];
  try {
    ({ value, grads: list, info } = lossAndGradients(model, x, model.params));
  } catch (err) {
    releaseTape();
    throw err;
  }
  try {
    return { rows: x.shape[0], loss: value.dataSync()[0], grads: readFlat(list), info: { ...info } };
  } finally {
    tf.dispose([value, ...list]);
  }
}

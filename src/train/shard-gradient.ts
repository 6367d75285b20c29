import { releaseTape } from '../../solvers/tape.js';
import { type Tensor, tf } from '../../solvers/tf.js';
import type { DensityModel, LossInfo } from '../model.js';
import { flatten } from './flat.js';
import type { ShardResult } from './shards.js';

/**
 * The mean training loss of `model` on `x` and its first-order gradient (tfjs autodiff over
 * `model.trainLoss`), read back as numbers and one flat array in `model.params` order. Leaves no
 * tensors behind, also when the loss throws (the tape is released).
 *
 * @param model The model whose `trainLoss` and `params` to use.
 * @param x The shard `[n, dim]` (not disposed).
 */
export function shardGradient(model: DensityModel, x: Tensor): ShardResult {
  let info: LossInfo = {};
  let value: Tensor;
  let grads: tf.NamedTensorMap;
  try {
    ({ value, grads } = tf.variableGrads(() => {
      const out = model.trainLoss(x);
      info = out.info;
      return out.loss as tf.Scalar;
    }, model.params as tf.Variable[]));
  } catch (err) {
    releaseTape();
    throw err;
  }
  const list = model.params.map((p) => grads[p.name]);
  try {
    return { rows: x.shape[0], loss: value.dataSync()[0], grads: flatten(list), info: { ...info } };
  } finally {
    tf.dispose([value, ...list]);
  }
}

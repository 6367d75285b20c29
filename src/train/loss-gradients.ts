import { type Tensor, tf } from '../../solvers/tf.js';
import type { DensityModel, LossInfo } from '../model.js';

/**
 * The loss and its gradients (in `params` order) on batch `x`: the model's own hand-written
 * gradient when it has one ({@link DensityModel.lossAndGradients}), else tfjs autodiff of `trainLoss`.
 */
export function lossAndGradients(
  model: DensityModel,
  x: Tensor,
  params: readonly tf.Variable[],
): { value: Tensor; grads: Tensor[]; info: LossInfo } {
  const own = model.lossAndGradients?.(x);
  if (own) return { value: own.loss, grads: own.grads, info: own.info };
  let info: LossInfo = {};
  const { value, grads } = tf.variableGrads(() => {
    const out = model.trainLoss(x);
    info = out.info;
    return out.loss as tf.Scalar;
  }, params as tf.Variable[]);
  return { value, grads: params.map((p) => grads[p.name]), info };
}

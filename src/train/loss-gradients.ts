import type { Tensor, tf } from '../../solvers/tf.js';
import { autodiffLossAndGradients } from '../core/autodiff.js';
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
  const { loss, grads, info } =
    model.lossAndGradients?.(x) ?? autodiffLossAndGradients(() => model.trainLoss(x), params);
  return { value: loss, grads, info };
}

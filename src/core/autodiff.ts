import { type Tensor, tf } from '../../solvers/tf.js';
import type { LossInfo } from '../model.js';

/** A loss and its gradients in `params` order, with the loss's numbers. */
export interface LossAndGradients {
  /** Scalar loss. */
  loss: Tensor;
  /** Gradients in `params` order. */
  grads: Tensor[];
  /** Counts and loss terms, as numbers. */
  info: LossInfo;
}

/**
 * tfjs autodiff (first order) of a training loss with respect to `params`: the one place
 * `train` and the models that finish their `info` after the backward pass take such gradients.
 *
 * @param trainLoss Computes the scalar loss and its info (called once, under the tape).
 * @param params The variables, in the order of the returned gradients.
 */
export function autodiffLossAndGradients(
  trainLoss: () => { loss: Tensor; info: LossInfo },
  params: readonly tf.Variable[],
): LossAndGradients {
  let info: LossInfo = {};
  const { value, grads } = tf.variableGrads(() => {
    const out = trainLoss();
    info = out.info;
    return out.loss as tf.Scalar;
  }, params as tf.Variable[]);
  return { loss: value, grads: params.map((p) => grads[p.name]), info };
}

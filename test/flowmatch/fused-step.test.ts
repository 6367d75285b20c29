import { describe, expect, it } from 'vitest';
import { FlowMatchingModel, type FlowMatchingOptions } from '../../src/flowmatch/index.js';
import { mlpField, tf, toySampler } from '../../src/index.js';
import type { MlpFieldOptions } from '../../src/nn/mlp.js';

/**
 * The model's hand-written training step (lossAndGradients) against tfjs autodiff of its
 * trainLoss, on the same draws: the same loss and the same gradients, for every objective.
 */
const CASES: [string, FlowMatchingOptions, Partial<MlpFieldOptions>][] = [
  ['I-CFM σ = 0.1, concatsquash/tanh', { objective: 'cfm', sigma: 0.1 }, {}],
  ['OT-CFM exact, mlp/selu (torchcfm)', { objective: 'ot-cfm' }, { layer: 'mlp', activation: 'selu' }],
  [
    'OT-CFM Sinkhorn, concat/softplus',
    { objective: 'ot-cfm', coupling: 'sinkhorn' },
    { layer: 'concat', activation: 'softplus' },
  ],
  ['rectified, concatsquash/tanh', { objective: 'rectified' }, {}],
];

describe('flow matching: hand-written step = autodiff of trainLoss', () => {
  for (const [name, options, fieldOptions] of CASES) {
    it(name, () => {
      const field = mlpField({ dim: 2, hidden: [32, 32], seed: 3, ...fieldOptions });
      const model = new FlowMatchingModel(field, { ...options, seed: 2 });
      const x = toySampler('8gaussians', 1)(64, 0);
      const params = model.params as tf.Variable[];
      // a first call may create the activations' kept constants (once per process)
      const warm = model.lossAndGradients(x);
      if (warm) tf.dispose([warm.loss, ...warm.grads]);
      const before = tf.memory().numTensors;
      model.seek(5);
      const own = model.lossAndGradients(x);
      if (!own) throw new Error('no hand-written step');
      expect(tf.memory().numTensors - before).toBe(1 + params.length);
      model.seek(5);
      const ref = tf.variableGrads(() => model.trainLoss(x).loss as tf.Scalar, params);
      const loss = own.loss.dataSync()[0];
      expect(loss).toBeGreaterThan(0.1);
      expect(Math.abs(loss - ref.value.dataSync()[0])).toBeLessThan(1e-5 * loss);
      params.forEach((p, i) => {
        const want = ref.grads[p.name];
        const scale = tf.tidy(() => tf.max(tf.abs(want)).dataSync()[0]);
        const err = tf.tidy(() => tf.max(tf.abs(tf.sub(own.grads[i], want))).dataSync()[0]);
        expect(err).toBeLessThan(1e-6 + 1e-4 * scale);
      });
      tf.dispose([own.loss, ...own.grads, ref.value, ...Object.values(ref.grads), x]);
      model.dispose();
    });
  }

  it('after reflow (fixed pairs) too', () => {
    const field = mlpField({ dim: 2, hidden: [16], seed: 4 });
    const model = new FlowMatchingModel(field, {
      objective: 'rectified',
      eval: { method: 'rk4', stepSize: 0.25 },
    });
    model.reflow(50, 1);
    const x = toySampler('8gaussians', 1)(20, 0);
    model.seek(1);
    const own = model.lossAndGradients(x);
    if (!own) throw new Error('no hand-written step');
    model.seek(1);
    const ref = tf.variableGrads(() => model.trainLoss(x).loss as tf.Scalar, model.params as tf.Variable[]);
    expect(Math.abs(own.loss.dataSync()[0] - ref.value.dataSync()[0])).toBeLessThan(1e-5);
    model.params.forEach((p, i) => {
      const err = tf.tidy(() => tf.max(tf.abs(tf.sub(own.grads[i], ref.grads[p.name]))).dataSync()[0]);
      expect(err).toBeLessThan(1e-5);
    });
    tf.dispose([own.loss, ...own.grads, ref.value, ...Object.values(ref.grads), x]);
    model.dispose();
  });
});

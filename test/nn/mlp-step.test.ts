import { describe, expect, it } from 'vitest';
import { tf } from '../../src/index.js';
import type { ActivationName, LayerKind } from '../../src/nn/index.js';
import { mlpField } from '../../src/nn/mlp.js';
import { mlpRegressionStep } from '../../src/nn/mlp-step.js';

const CASES: [LayerKind, ActivationName][] = [
  ['concatsquash', 'tanh'],
  ['concatsquash', 'softplus'],
  ['concat', 'swish'],
  ['concat', 'elu'],
  ['mlp', 'selu'],
  ['mlp', 'sigmoid'],
];

function batch(seed: number, b = 7, d = 2) {
  return {
    t: tf.randomUniform([b, 1], 0, 1, 'float32', seed),
    x: tf.randomNormal([b, d], 0, 1, 'float32', seed + 1),
    y: tf.randomNormal([b, d], 0, 1, 'float32', seed + 2),
  };
}

const lossOf = (f: ReturnType<typeof mlpField>, t: tf.Tensor, x: tf.Tensor, y: tf.Tensor) =>
  tf.mean(tf.sum(tf.square(tf.sub(f(t, x), y)), 1));

describe('mlpRegressionStep: hand-written backward of the MLP regression loss', () => {
  for (const [layer, act] of CASES) {
    it(`${layer}/${act}: loss and every gradient equal tfjs autodiff`, () => {
      const f = mlpField({ dim: 2, hidden: [16, 12], layer, activation: act, seed: 4 });
      const { t, x, y } = batch(10);
      // a first call may create the activations' kept constants (once per process)
      const warm = mlpRegressionStep(f, t, x, y);
      if (warm) tf.dispose([warm.loss, ...warm.grads]);
      const before = tf.memory().numTensors;
      const r = mlpRegressionStep(f, t, x, y);
      expect(r).toBeDefined();
      if (!r) return;
      expect(tf.memory().numTensors - before).toBe(1 + f.params.length);
      const ref = tf.variableGrads(() => lossOf(f, t, x, y) as tf.Scalar, f.params as tf.Variable[]);
      expect(Math.abs(r.loss.dataSync()[0] - ref.value.dataSync()[0])).toBeLessThan(1e-5);
      f.params.forEach((p, i) => {
        const g = r.grads[i];
        expect(g.shape).toEqual(p.shape);
        const want = ref.grads[p.name];
        const scale = tf.tidy(() => tf.max(tf.abs(want)).dataSync()[0]);
        const err = tf.tidy(() => tf.max(tf.abs(tf.sub(g, want))).dataSync()[0]);
        expect(scale).toBeGreaterThan(1e-4); // every variable gets a real gradient
        expect(err).toBeLessThan(1e-5 + 1e-4 * scale);
      });
      tf.dispose([r.loss, ...r.grads, ref.value, ...Object.values(ref.grads), t, x, y, ...f.params]);
    });
  }

  it('concatsquash/tanh: directional derivative matches central finite differences of the loss', () => {
    const f = mlpField({ dim: 2, hidden: [16, 16, 16], layer: 'concatsquash', activation: 'tanh', seed: 8 });
    const { t, x, y } = batch(20, 9);
    const r = mlpRegressionStep(f, t, x, y);
    if (!r) throw new Error('no step');
    const dirs = f.params.map((p, i) => tf.randomNormal(p.shape, 0, 1, 'float32', 50 + i));
    const slope = tf.tidy(() => tf.addN(r.grads.map((g, i) => tf.sum(tf.mul(g, dirs[i])))).dataSync()[0]);
    const theta = f.params.map((p) => tf.clone(p));
    const at = (h: number) => {
      f.params.forEach((p, i) => {
        p.assign(tf.tidy(() => tf.add(theta[i], tf.mul(dirs[i], h))));
      });
      return tf.tidy(() => lossOf(f, t, x, y).dataSync()[0]);
    };
    const h = 1e-2;
    const fd = (at(h) - at(-h)) / (2 * h);
    expect(Math.abs(slope)).toBeGreaterThan(1e-2);
    expect(Math.abs(fd - slope)).toBeLessThan(2e-3 * Math.max(1, Math.abs(slope)));
    tf.dispose([r.loss, ...r.grads, ...dirs, ...theta, t, x, y, ...f.params]);
  });

  it('refuses mismatched shapes with the expected ones, and a field with a context', () => {
    const f = mlpField({ dim: 2, hidden: [8] });
    const { t, x, y } = batch(30, 5);
    expect(() => mlpRegressionStep(f, t, x, tf.zeros([5, 3]))).toThrow(/expected \[B, 2\]/);
    expect(() => mlpRegressionStep(f, tf.zeros([4, 1]), x, y)).toThrow(/expected \[5, 1\]/);
    const g = mlpField({ dim: 2, hidden: [8], contextDim: 1 });
    expect(mlpRegressionStep(g, t, x, y)).toBeUndefined();
    tf.dispose([t, x, y, ...f.params, ...g.params]);
  });
});

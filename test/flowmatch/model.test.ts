import { describe, expect, it } from 'vitest';
import { FlowMatchingModel, flowMatchingFromConfig } from '../../src/flowmatch/index.js';
import { dataToNoise } from '../../src/flowmatch/reverse.js';
import { tf } from '../../src/index.js';
import { mlpField } from '../../src/nn/mlp.js';

describe('flow-matching model', () => {
  it('the CNF convention field is f(s, x) = −v(1 − s, x), values and JVPs', () => {
    const v = mlpField({ dim: 2, hidden: [16, 16], seed: 3 });
    const f = dataToNoise(v);
    const x = tf.randomNormal([5, 2], 0, 1, 'float32', 1);
    const diff = (a: tf.Tensor, b: tf.Tensor) => tf.max(tf.abs(tf.add(a, b))).dataSync()[0];
    expect(diff(f(0.3, x), v(0.7, x))).toBeLessThan(1e-6);
    const a = f.jvp(0.3, x, 'identity');
    const b = v.jvp(0.7, x, 'identity');
    expect(diff(a.jv, b.jv)).toBeLessThan(1e-6);
  });

  it('refuses bad options with the valid range', () => {
    const v = mlpField({ dim: 2, hidden: [8] });
    expect(() => new FlowMatchingModel(v, { objective: 'nope' as never })).toThrow(/cfm, ot-cfm, rectified/);
    expect(() => new FlowMatchingModel(v, { sigma: -1 })).toThrow(/sigma/);
    expect(() => new FlowMatchingModel(v, { objective: 'rectified', sigma: 0.1 })).toThrow(/sigma = 0/);
  });

  it('logProb needs a normal source and says so', () => {
    const m = new FlowMatchingModel(mlpField({ dim: 2, hidden: [8] }), { source: 'moons' });
    expect(() => m.logProb(tf.zeros([3, 2]))).toThrow(/standard normal source/);
    const s = m.sample(7, 1);
    expect(s.shape).toEqual([7, 2]);
  });

  it('round-trips through its config with identical logProb', () => {
    const m = new FlowMatchingModel(mlpField({ dim: 2, hidden: [16], seed: 5 }), {
      objective: 'cfm',
      sigma: 0.1,
    });
    const m2 = flowMatchingFromConfig(m.config());
    for (let i = 0; i < m.params.length; i++) m2.params[i].assign(m.params[i]);
    const x = tf.randomNormal([6, 2], 0, 1, 'float32', 2);
    const d = tf.max(tf.abs(tf.sub(m.logProb(x), m2.logProb(x)))).dataSync()[0];
    expect(d).toBe(0);
  });

  it('the loss gradient matches central finite differences (first-order autodiff only)', () => {
    const v = mlpField({ dim: 2, hidden: [8, 8], seed: 9 });
    const m = new FlowMatchingModel(v, { objective: 'ot-cfm', sigma: 0.05, seed: 4 });
    const x = tf.randomNormal([32, 2], 0, 1, 'float32', 3);
    // a fixed seed per call: replay the same t, ε and coupling for each evaluation
    const lossAt = () => {
      m.seek(0);
      const { loss } = m.trainLoss(x);
      const val = loss.dataSync()[0];
      loss.dispose();
      return val;
    };
    const all = tf.variableGrads(() => {
      m.seek(0);
      return m.trainLoss(x).loss as tf.Scalar;
    }, m.params as tf.Variable[]);
    // check the parameter with the largest gradient (FD resolves ~1e-4 absolute here)
    const norms = m.params.map((q) => tf.norm(all.grads[q.name]).dataSync()[0]);
    const p = m.params[norms.indexOf(Math.max(...norms))];
    const g = Float32Array.from(all.grads[p.name].dataSync());
    tf.dispose([all.value, ...Object.values(all.grads)]);
    const vals = Float32Array.from(p.dataSync());
    const h = 1e-2; // float32: a loss of O(1) resolves differences of ~1e-6, so h = 1e-2 balances truncation
    const gNorm = Math.sqrt(g.reduce((a, v) => a + v * v, 0));
    expect(gNorm, 'a gradient of size to check against').toBeGreaterThan(1e-2);
    // the three largest entries (each a real fraction of the gradient), relative error ≤ 2%
    const top = Array.from(g.keys())
      .sort((a, b) => Math.abs(g[b]) - Math.abs(g[a]))
      .slice(0, 3);
    const setTo = (w: Float32Array | number[]) => {
      const t = tf.tensor(w, p.shape);
      p.assign(t);
      t.dispose();
    };
    for (const k of top) {
      expect(Math.abs(g[k])).toBeGreaterThan((0.1 * gNorm) / Math.sqrt(g.length));
      const shifted = (d: number) => {
        const w = vals.slice();
        w[k] += d;
        setTo(w);
        return lossAt();
      };
      const fd = (shifted(h) - shifted(-h)) / (2 * h);
      setTo(vals);
      expect(Math.abs(fd - g[k]), `entry ${k}: fd ${fd}, autodiff ${g[k]}`).toBeLessThan(
        2e-2 * Math.abs(g[k]),
      );
    }
    // and along the gradient itself: the directional derivative is ‖g‖
    const along = (d: number) => {
      setTo(Array.from(vals, (v, i) => v + (d * g[i]) / gNorm));
      return lossAt();
    };
    const dir = (along(h) - along(-h)) / (2 * h);
    setTo(vals);
    expect(Math.abs(dir - gNorm), `directional fd ${dir}, ‖g‖ ${gNorm}`).toBeLessThan(2e-2 * gNorm);
  });

  it('leaks no tensors over 100 training iterations', () => {
    const m = new FlowMatchingModel(mlpField({ dim: 2, hidden: [16, 16] }), { objective: 'ot-cfm' });
    const opt = tf.train.adam(1e-3);
    const x = tf.randomNormal([64, 2], 0, 1, 'float32', 8);
    const step = () => opt.minimize(() => m.trainLoss(x).loss as tf.Scalar, false, m.params as tf.Variable[]);
    step();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 100; i++) step();
    expect(tf.memory().numTensors).toBe(before);
  });
});

import { describe, expect, it } from 'vitest';
import { tf } from '../../solvers/tf.js';
import { CNF } from '../../src/cnf/index.js';

/** A small conditional CNF: f(t, x, c), fixed rk4 steps (a smooth map for finite differences). */
function conditional(gradient: 'backprop' | 'adjoint'): CNF {
  return new CNF({
    dim: 2,
    hidden: [8, 8],
    contextDim: 1,
    T: 0.5,
    gradient,
    solver: { method: 'rk4', stepSize: 0.1 },
    kinetic: 0.2,
    seed: 3,
  });
}

describe('conditional CNF: f(t, x, c)', () => {
  const x = tf.tensor2d([
    [0.3, -0.8],
    [1.1, 0.4],
    [-0.5, 0.9],
  ]);
  const c = tf.tensor2d([[-1], [0.5], [2]]);

  it('the loss gradient (context weights included) matches central finite differences', () => {
    const m = conditional('backprop');
    const wc = m.params.find((p) => p.shape.length === 2 && p.shape[0] === 1); // W_c [C, H]
    if (!wc) throw new Error('no context weights');
    const lossAt = () => tf.tidy(() => m.trainLoss(x, c).loss.dataSync()[0]);
    const { value, grads } = tf.variableGrads(() => m.trainLoss(x, c).loss as tf.Scalar, [wc]);
    value.dispose();
    const g = grads[wc.name].dataSync();
    const base = wc.dataSync().slice();
    const h = 1e-2;
    for (const k of [0, 3, 6]) {
      const at = (v: number) => {
        const w = base.slice();
        w[k] = v;
        tf.tidy(() => wc.assign(tf.tensor(w, wc.shape)));
        return lossAt();
      };
      const fd = (at(base[k] + h) - at(base[k] - h)) / (2 * h);
      at(base[k]);
      expect(Math.abs(fd - g[k])).toBeLessThan(2e-3 + 2e-2 * Math.abs(fd));
    }
    expect(Math.max(...Array.from(g).map(Math.abs))).toBeGreaterThan(1e-4);
    tf.dispose(Object.values(grads));
    m.dispose();
  });

  it('the adjoint gradient agrees with backprop and keeps nothing once released', () => {
    const a = conditional('backprop');
    const b = conditional('adjoint');
    const grad = (m: CNF) => {
      const { value, grads } = tf.variableGrads(() => m.trainLoss(x, c).loss as tf.Scalar, [...m.params]);
      const out = m.params.map((p) => Array.from(grads[p.name].dataSync()));
      tf.dispose([value, ...Object.values(grads)]);
      return out;
    };
    const ga = grad(a);
    const before = tf.memory().numTensors;
    const gb = grad(b);
    for (let i = 0; i < ga.length; i++) {
      const scale = Math.max(1e-3, ...ga[i].map(Math.abs));
      const err = Math.max(...ga[i].map((v, j) => Math.abs(v - gb[i][j])));
      expect(err).toBeLessThan(2e-2 * scale);
    }
    const variables = new Set([...b.params, ...b.sqrtEndTimes]).size;
    b.dispose(); // releases its variables and what the adjoint kept for the backward pass
    expect(tf.memory().numTensors).toBe(before - variables);
    a.dispose();
  });

  it('a training pass that fails (a context of the wrong shape) keeps nothing', () => {
    const m = conditional('adjoint');
    const before = tf.memory().numTensors;
    const wrong = tf.zeros([3, 2]);
    // straight to the block (the model refuses the shape before): the field throws mid-solve
    expect(() => m.blocks[0].forward(x, wrong, { training: true })).toThrow(
      /field context has shape \[3, 2\]/,
    );
    wrong.dispose();
    expect(tf.memory().numTensors).toBe(before);
    m.dispose();
  });
});

import { describe, expect, it } from 'vitest';
import { tf } from '../../src/index.js';
import { AdamW } from '../../src/train/adamw.js';

/** Parameters of mixed ranks (a weight matrix, vectors) and a fixed sequence of gradients. */
function setup(seed: number) {
  const shapes = [[3, 4], [4], [4, 2], [2]];
  const init = shapes.map((s, i) => tf.randomNormal(s, 0, 1, 'float32', seed + i));
  const grads = [0, 1, 2, 3, 4].map((k) =>
    shapes.map((s, i) => tf.randomNormal(s, 0, 1 + k, 'float32', 100 * seed + 10 * k + i)),
  );
  const vars = (tag: string) => init.map((t, i) => tf.variable(t, true, `adamw-${tag}-${seed}-${i}`));
  return { init, grads, vars };
}

const maxDiff = (a: tf.Tensor[], b: tf.Tensor[]) =>
  Math.max(...a.map((x, i) => tf.tidy(() => tf.max(tf.abs(tf.sub(x, b[i]))).dataSync()[0])));

describe('AdamW (flat moments)', () => {
  it("takes tfjs Adam's steps (no decay) to float32 rounding", () => {
    const { init, grads, vars } = setup(1);
    const ours = vars('ours');
    const theirs = vars('tfjs');
    const opt = new AdamW({ learningRate: 0.01, weightDecay: 0 });
    const ref = tf.train.adam(0.01, 0.9, 0.999, 1e-8);
    for (const g of grads) {
      opt.step(ours, g);
      ref.applyGradients(theirs.map((p, i) => ({ name: p.name, tensor: g[i] })));
    }
    // five steps of size ~lr move the weights by ~0.05: agreement to 1e-6 is not a coincidence
    expect(maxDiff(ours, init)).toBeGreaterThan(0.02);
    expect(maxDiff(ours, theirs)).toBeLessThan(2e-6);
    opt.dispose();
    ref.dispose();
    tf.dispose([...init, ...grads.flat(), ...ours, ...theirs]);
  });

  it('applies decoupled weight decay θ·(1 − lr·λ) before the Adam step, as PyTorch AdamW', () => {
    const { init, grads, vars } = setup(2);
    const ours = vars('ours');
    const theirs = vars('tfjs');
    const lr = 0.05;
    const wd = 0.3;
    const opt = new AdamW({ learningRate: lr, weightDecay: wd });
    const ref = tf.train.adam(lr, 0.9, 0.999, 1e-8);
    for (const g of grads) {
      opt.step(ours, g);
      tf.tidy(() => {
        for (const p of theirs) p.assign(tf.mul(p, 1 - lr * wd));
      });
      ref.applyGradients(theirs.map((p, i) => ({ name: p.name, tensor: g[i] })));
    }
    expect(maxDiff(ours, theirs)).toBeLessThan(2e-6);
    opt.dispose();
    ref.dispose();
    tf.dispose([...init, ...grads.flat(), ...ours, ...theirs]);
  });

  it("state has tfjs Adam's layout and a restored optimizer continues identically", async () => {
    const { init, grads, vars } = setup(3);
    const a = vars('a');
    const ref = vars('ref');
    const opt = new AdamW({ learningRate: 0.02, weightDecay: 0 });
    const adam = tf.train.adam(0.02, 0.9, 0.999, 1e-8);
    for (const g of grads.slice(0, 3)) {
      opt.step(a, g);
      adam.applyGradients(ref.map((p, i) => ({ name: p.name, tensor: g[i] })));
    }
    const ours = await opt.getState();
    const theirs = await adam.getWeights();
    expect(ours.map((s) => s.name.replace('-a-', '-'))).toEqual(
      theirs.map((s) => s.name.replace('-ref-', '-')),
    );
    expect(ours.map((s) => s.tensor.shape)).toEqual(theirs.map((s) => s.tensor.shape));
    expect(
      maxDiff(
        ours.map((s) => s.tensor),
        theirs.map((s) => s.tensor),
      ),
    ).toBeLessThan(1e-6);
    // a fresh optimizer on fresh variables with the same values continues the same way
    const b = vars('b');
    for (let i = 0; i < b.length; i++) b[i].assign(a[i]);
    const restored = new AdamW({ learningRate: 0.02, weightDecay: 0 });
    await restored.setState(ours);
    for (const g of grads.slice(3)) {
      opt.step(a, g);
      restored.step(b, g);
    }
    expect(maxDiff(a, b)).toBe(0);
    for (const s of ours) s.tensor.dispose();
    tf.dispose(theirs.filter((s) => !(s.tensor instanceof tf.Variable)).map((s) => s.tensor));
    opt.dispose();
    restored.dispose();
    adam.dispose();
    tf.dispose([...init, ...grads.flat(), ...a, ...b, ...ref]);
  });

  it('accepts a flat gradient, refuses a wrong size, leaks nothing', () => {
    const { init, grads, vars } = setup(4);
    const p = vars('p');
    const before = tf.memory().numTensors;
    const opt = new AdamW({ learningRate: 0.01 });
    for (const g of grads) {
      const flat = tf.tidy(() => tf.concat(g.map((x) => tf.reshape(x, [-1]))));
      opt.step(p, flat);
      flat.dispose();
    }
    expect(() => opt.step(p, tf.zeros([3]))).toThrow(/gradient has 3 entries; the parameters have 26/);
    opt.dispose();
    expect(tf.memory().numTensors).toBe(before + 1); // the tf.zeros([3]) above
    tf.dispose([...init, ...grads.flat(), ...p]);
  });
});

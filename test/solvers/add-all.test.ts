import { describe, expect, it } from 'vitest';
import { ADDN_MAX_INPUTS, addAll } from '../../solvers/add-all.js';
import { tf } from '../../solvers/tf.js';

describe('addAll', () => {
  it('sums 1–20 tensors exactly (integers) with no addN over more than ADDN_MAX_INPUTS inputs', () => {
    const engine = tf.engine();
    const runKernel = engine.runKernel.bind(engine);
    let widest = 0;
    engine.runKernel = (name: string, inputs: tf.NamedTensorMap, attrs?: tf.NamedAttrMap) => {
      if (name === 'AddN') widest = Math.max(widest, Object.keys(inputs).length);
      return runKernel(name, inputs, attrs);
    };
    try {
      for (let n = 1; n <= 20; n++) {
        const terms = Array.from({ length: n }, (_, i) => tf.tensor1d([i + 1, -2 * i, 3]));
        const s = tf.tidy(() => addAll(terms));
        expect(Array.from(s.dataSync())).toEqual([(n * (n + 1)) / 2, -n * (n - 1), 3 * n]);
        tf.dispose([...terms, s]);
      }
    } finally {
      engine.runKernel = runKernel;
    }
    expect(widest).toBe(ADDN_MAX_INPUTS);
  });

  it('adds in the order of one addN of all the terms (float32 rounding included)', () => {
    // values whose float32 sums depend on the order of the additions
    const terms = Array.from({ length: 19 }, (_, i) =>
      tf.tensor1d([(i % 2 ? 1 : -1) * 1e7 + i * 0.37, 1 / (i + 3)]),
    );
    const one = tf.addN(terms);
    const folded = addAll(terms);
    expect(Array.from(folded.dataSync())).toEqual(Array.from(one.dataSync()));
    tf.dispose([...terms, one, folded]);
  });

  it('leaves nothing inside a tidy and refuses an empty list', () => {
    const terms = Array.from({ length: 16 }, () => tf.ones([2, 2]));
    const before = tf.memory().numTensors;
    const s = tf.tidy(() => addAll(terms));
    expect(Array.from(s.dataSync())).toEqual([16, 16, 16, 16]);
    s.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(terms);
    expect(() => addAll([])).toThrow(/no tensors/);
  });
});

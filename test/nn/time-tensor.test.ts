import { describe, expect, it } from 'vitest';
import { tf } from '../../src/index.js';
import type { ActivationName, LayerKind } from '../../src/nn/index.js';
import { mlpField } from '../../src/nn/index.js';

const LAYERS: LayerKind[] = ['concat', 'concatsquash', 'mlp'];
const ACTS: ActivationName[] = ['tanh', 'softplus', 'selu'];

function maxAbs(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}

describe('mlpField with one time per example (t: tensor [B, 1])', () => {
  for (const layer of LAYERS) {
    for (const act of ACTS) {
      it(`${layer}/${act}: f, J·V and identity tangents at fill([B,1], t) equal those at the number t`, () => {
        const f = mlpField({ dim: 3, hidden: [16, 16], layer, activation: act, seed: 2 });
        tf.tidy(() => {
          const x = tf.randomNormal([6, 3], 0, 1, 'float32', 4);
          const v = tf.randomNormal([2, 6, 3], 0, 1, 'float32', 5);
          const tT = tf.fill([6, 1], 0.43);
          expect(maxAbs(f(0.43, x), f(tT, x))).toBeLessThan(1e-5);
          const a = f.jvp(0.43, x, v);
          const b = f.jvp(tT, x, v);
          expect(maxAbs(a.f, b.f)).toBeLessThan(1e-5);
          expect(maxAbs(a.jv, b.jv)).toBeLessThan(1e-5);
          const ai = f.jvp(0.43, x, 'identity');
          const bi = f.jvp(tT, x, 'identity');
          expect(bi.jv.shape).toEqual([3, 6, 3]);
          expect(maxAbs(ai.jv, bi.jv)).toBeLessThan(1e-5);
          // and the value does depend on t (the test would pass vacuously otherwise)
          expect(maxAbs(f(0.43, x), f(tf.fill([6, 1], 0.9), x))).toBeGreaterThan(1e-3);
        });
        for (const p of f.params) p.dispose();
      });

      it(`${layer}/${act}: per-example rows equal single-time evaluations, J·V matches finite differences`, () => {
        const f = mlpField({ dim: 2, hidden: [12, 12], layer, activation: act, seed: 7 });
        const times = [0.05, 0.3, 0.61, 0.9];
        const h = 1e-2;
        tf.tidy(() => {
          const x = tf.randomNormal([4, 2], 0, 1, 'float32', 8);
          const tT = tf.tensor2d(times, [4, 1]);
          const v = tf.randomNormal([1, 4, 2], 0, 1, 'float32', 9);
          const { f: fv, jv } = f.jvp(tT, x, v);
          for (let b = 0; b < 4; b++) {
            const xb = tf.slice(x, [b, 0], [1, 2]);
            expect(maxAbs(tf.slice(fv, [b, 0], [1, 2]), f(times[b], xb))).toBeLessThan(1e-5);
          }
          // central difference along v: (f(x + h v) − f(x − h v)) / 2h
          const vb = tf.squeeze(v, [0]);
          const fd = tf.div(tf.sub(f(tT, tf.add(x, tf.mul(vb, h))), f(tT, tf.sub(x, tf.mul(vb, h)))), 2 * h);
          const scale = tf.max(tf.abs(fd)).dataSync()[0];
          expect(scale).toBeGreaterThan(1e-3);
          expect(maxAbs(tf.squeeze(jv, [0]), fd)).toBeLessThan(2e-3 * scale + 3e-5);
        });
        for (const p of f.params) p.dispose();
      });
    }
  }

  it('refuses a time tensor of the wrong shape, naming the expected one', () => {
    const f = mlpField({ dim: 2, hidden: [4] });
    const x = tf.zeros([3, 2]);
    const t = tf.zeros([3]);
    expect(() => f(t, x)).toThrow(/expected a number or a tensor \[3, 1\]/);
    tf.dispose([x, t, ...f.params]);
  });

  it('per-example evaluation leaks no tensors', () => {
    const f = mlpField({ dim: 2, hidden: [8], layer: 'concatsquash' });
    const x = tf.randomNormal([5, 2]);
    const t = tf.randomUniform([5, 1]);
    const before = tf.memory().numTensors;
    f(t, x).dispose();
    const r = f.jvp(t, x, 'identity');
    tf.dispose([r.f, r.jv]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, t, ...f.params]);
  });
});

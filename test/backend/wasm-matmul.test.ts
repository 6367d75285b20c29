import { afterAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../src/index.js';

/** Runs fn on a backend and returns plain arrays. */
async function on(backend: 'wasm' | 'cpu', fn: () => tf.Tensor[]): Promise<number[][]> {
  await initBackend(backend);
  return tf.tidy(fn).map((t) => Array.from(t.dataSync()));
}

describe('wasm matMul with transpose flags (patched kernel)', () => {
  afterAll(async () => {
    await initBackend();
  });

  const cases: [string, number[], number[], boolean, boolean][] = [
    ['aᵀb', [7, 5], [7, 3], true, false],
    ['abᵀ', [5, 7], [3, 7], false, true],
    ['aᵀbᵀ', [7, 5], [3, 7], true, true],
    ['batched aᵀbᵀ', [2, 7, 5], [2, 3, 7], true, true],
    // rows a multiple of 256 and large enough: the JS transpose; 1000 rows: the wasm kernel
    ['large aᵀb (JS transpose)', [1024, 37], [1024, 5], true, false],
    ['large abᵀ (JS transpose)', [6, 70], [768, 70], false, true],
    ['large aᵀb (wasm transpose)', [1000, 37], [1000, 5], true, false],
  ];
  for (const [name, sa, sb, ta, tb] of cases) {
    it(`${name} equals the cpu backend, plain and fused, with gradients`, async () => {
      const run = () => {
        const a = tf.randomNormal(sa, 0, 1, 'float32', 1);
        const b = tf.randomNormal(sb, 0, 1, 'float32', 2);
        const plain = tf.matMul(a, b, ta, tb);
        const fused = tf.fused.matMul({ a, b, transposeA: ta, transposeB: tb, activation: 'relu' });
        const [ga, gb] = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.square(tf.matMul(x, y, ta, tb))))(
          [a, b],
        );
        return [plain, fused, ga, gb];
      };
      const w = await on('wasm', run);
      const c = await on('cpu', run);
      for (let i = 0; i < w.length; i++) {
        const scale = Math.max(1, ...c[i].map(Math.abs));
        for (let j = 0; j < w[i].length; j++) expect(Math.abs(w[i][j] - c[i][j])).toBeLessThan(1e-5 * scale);
      }
    });
  }

  it('leaks no tensors or bytes', async () => {
    await initBackend('wasm');
    const a = tf.randomNormal([20, 8]);
    const b = tf.randomNormal([20, 8]);
    const big = tf.randomNormal([1024, 64]);
    const before = tf.memory();
    for (let i = 0; i < 10; i++) tf.matMul(a, b, true, false).dispose();
    for (let i = 0; i < 3; i++) tf.matMul(big, big, true, false).dispose();
    const after = tf.memory();
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.numBytes).toBe(before.numBytes);
    tf.dispose([a, b, big]);
  });
});

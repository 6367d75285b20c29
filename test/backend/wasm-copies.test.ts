import { afterAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../src/index.js';

/** Runs fn on a backend and returns the results as plain arrays with their shapes and dtypes. */
async function on(backend: 'wasm' | 'cpu', fn: () => tf.Tensor[]): Promise<[number[], number[], string][]> {
  await initBackend(backend);
  const out = tf.tidy(fn);
  const res = out.map((t): [number[], number[], string] => [Array.from(t.dataSync()), t.shape, t.dtype]);
  tf.dispose(out);
  return res;
}

/** A tensor of the given shape and dtype with distinct values (so any misplaced element shows). */
function ramp(shape: number[], dtype: 'float32' | 'int32' | 'bool'): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const vals = Array.from({ length: n }, (_, i) => (dtype === 'bool' ? i % 3 === 0 : i * 1.5 - 7));
  return dtype === 'bool'
    ? tf.tensor(vals as boolean[], shape, 'bool')
    : tf.tensor(vals as number[], shape, dtype);
}

describe('wasm Slice, SplitV and Concat on the heap (patched kernels)', () => {
  afterAll(async () => {
    await initBackend();
  });

  for (const dtype of ['float32', 'int32', 'bool'] as const) {
    it(`${dtype}: slices, splits and concats of ranks 1–4 equal the cpu backend's`, async () => {
      const run = () => {
        const v = ramp([300], dtype);
        const m = ramp([100, 7], dtype);
        const wide = ramp([20, 130], dtype);
        const c3 = ramp([4, 5, 6], dtype);
        const c4 = ramp([3, 4, 5, 6], dtype);
        return [
          tf.slice(v, 17, 200),
          tf.slice(m, [0, 0], [100, 2]), // columns: per-row runs
          tf.slice(m, [10, 0], [50, -1]), // whole rows: contiguous
          tf.slice(m, [3, 4], [1, 3]),
          tf.slice(wide, [2, 1], [5, 100]), // long runs (set)
          tf.slice(c3, [1, 2, 3], [2, 3, 3]),
          tf.slice(c4, [1, 0, 2, 1], [2, 4, 2, 4]),
          tf.slice(m, [0, 0], [0, 7]), // empty
          ...tf.split(m, [2, 1, 4], 1),
          ...tf.split(m, [30, 70], 0),
          ...tf.split(c3, 3, 2),
          tf.concat([m, tf.slice(m, [0, 0], [100, 1]), m], 1),
          tf.concat([m, m], 0),
          tf.concat([wide, wide], 1),
          tf.concat([c3, c3, c3], 1),
          tf.concat([c4, tf.slice(c4, [0, 0, 0, 0], [3, 4, 5, 0]), c4], 3), // with an empty input
          tf.concat([v, v]),
          tf.concat([tf.slice(m, [0, 0], [100, 0]), m], 1), // one non-empty input
        ];
      };
      const w = await on('wasm', run);
      const c = await on('cpu', run);
      expect(w.length).toBe(c.length);
      for (let i = 0; i < w.length; i++) expect(w[i]).toEqual(c[i]);
    });
  }

  it('keeps the results right when the output allocation grows the heap', async () => {
    await initBackend('wasm');
    const x = ramp([64, 3], 'float32');
    // a large output forces the heap to grow while the input's view is live
    const big = tf.tile(x, [20000, 1]);
    const s = tf.slice(big, [5, 1], [big.shape[0] - 10, 2]);
    const vals = s.dataSync();
    expect(s.shape).toEqual([64 * 20000 - 10, 2]);
    expect(vals[0]).toBe(5 * 3 * 1.5 - 7 + 1.5);
    const last = (64 * 20000 - 6) % 64;
    expect(vals[vals.length - 1]).toBe((last * 3 + 2) * 1.5 - 7);
    tf.dispose([x, big, s]);
  });

  it('reads nothing back from the heap (the original Slice copied its whole input out)', async () => {
    await initBackend('wasm');
    const backend = tf.backend();
    const readSync = backend.readSync.bind(backend);
    let reads = 0;
    backend.readSync = (...a: Parameters<typeof readSync>) => {
      reads++;
      return readSync(...a);
    };
    try {
      const m = ramp([100, 7], 'float32');
      tf.dispose([m, tf.slice(m, [0, 0], [100, 2]), ...tf.split(m, [2, 5], 1), tf.concat([m, m], 1)]);
    } finally {
      backend.readSync = readSync;
    }
    expect(reads).toBe(0);
  });

  it('leaks no tensors or bytes, and gradients through them are unchanged', async () => {
    await initBackend('wasm');
    const x = tf.randomNormal([100, 5], 0, 1, 'float32', 3);
    const before = tf.memory();
    for (let i = 0; i < 5; i++) {
      tf.tidy(() => {
        const g = tf.grad((z: tf.Tensor) => {
          const [a, b] = tf.split(z, [2, 3], 1);
          return tf.sum(tf.square(tf.concat([tf.slice(z, [0, 1], [100, 2]), a, b], 1)));
        })(x);
        // d/dz Σ (z[:,1:3]² + z²) = 2z + 2z·1[col ∈ {1, 2}]
        const want = tf.mul(x, tf.tensor1d([2, 4, 4, 2, 2]));
        expect(tf.max(tf.abs(tf.sub(g, want))).dataSync()[0]).toBeLessThan(1e-6);
      });
    }
    const after = tf.memory();
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.numBytes).toBe(before.numBytes);
    x.dispose();
  });
});

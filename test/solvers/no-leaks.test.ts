/**
 * No leaks: after a successful solve tf.memory().numTensors is its value before plus the returned
 * tensor, for every method, with 2 or many output times, forward and reverse, with f returning
 * its own input or a constant it holds (the solver must not dispose either). The error paths are
 * covered in errors.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { METHOD_NAMES, odeint, solveIvp, tf } from '../../src/index.js';

const METHODS = METHOD_NAMES;

describe.each(METHODS)('%s', (method) => {
  const opts = { method, rtol: 1e-4, atol: 1e-6 };
  const fixedOpts = { method, stepSize: 0.1 };
  const o = ['bosh3', 'dopri5', 'tsit5', 'dop853'].includes(method) ? opts : fixedOpts;

  it.each([[[0, 1]], [[0, 0.1, 0.35, 0.7, 1]], [[1, 0.5, 0]]])(
    'leaves only the result behind (ts = %o)',
    (ts) => {
      const y0 = tf.tensor2d([
        [1, 2],
        [3, 4],
      ]);
      const w = tf.tensor2d([
        [0, -1],
        [1, 0],
      ]);
      const before = tf.memory().numTensors;
      const r = solveIvp((_t, y) => tf.matMul(y, w), y0, ts, o);
      expect(tf.memory().numTensors).toBe(before + 1);
      expect(r.ys.shape).toEqual([ts.length, 2, 2]);
      r.ys.dispose();
      y0.dispose();
      w.dispose();
    },
  );

  it('f = identity (dy/dt = y) and f = a held constant: no leak, inputs intact, right answer', () => {
    const y0 = tf.tensor1d([1, 2]);
    const c = tf.tensor1d([3, -1]);
    const before = tf.memory().numTensors;
    const grow = odeint((_t, y) => y, y0, [0, 1], o);
    const lin = odeint(() => c, y0, [0, 1], o);
    expect(tf.memory().numTensors).toBe(before + 2);
    expect(y0.isDisposed).toBe(false);
    expect(c.isDisposed).toBe(false);
    const g = (grow.arraySync() as number[][])[1];
    const l = (lin.arraySync() as number[][])[1];
    const tol = method === 'euler' ? 0.1 : 1e-2;
    expect(Math.abs(g[0] / Math.E - 1)).toBeLessThan(tol);
    expect(Math.abs(g[1] / (2 * Math.E) - 1)).toBeLessThan(tol);
    expect(l[0]).toBeCloseTo(4, 5);
    expect(l[1]).toBeCloseTo(1, 5);
    for (const x of [grow, lin, y0, c]) x.dispose();
  });
});

/**
 * Reverse-time solves (decreasing ts) and batched [B, D] states.
 */
import { describe, expect, it } from 'vitest';
import { METHOD_NAMES, odeint, solveIvp, tf } from '../../src/index.js';
import { lotkaVolterra } from './problems.js';

const METHODS = METHOD_NAMES;
const RATES = [0.5, 1, 2];
const decay = (_t: number, y: tf.Tensor) => tf.mul(y, tf.tensor1d(RATES.map((r) => -r)));

describe.each(METHODS)('%s', (method) => {
  const fixed = ['euler', 'midpoint', 'heun', 'rk4', 'rk38'].includes(method);
  const opts = fixed ? { method, stepSize: 0.01 } : { method, rtol: 1e-5, atol: 1e-7 };
  const tol = method === 'euler' ? 5e-2 : method === 'midpoint' || method === 'heun' ? 1e-3 : 1e-4;

  it('solves backwards in time: y(t) = e^{-λ(t − 2)}·y(2) for ts = [2, 1.5, 0]', () => {
    const ts = [2, 1.5, 0];
    const ys = odeint(decay, tf.ones([3]), ts, opts).arraySync() as number[][];
    ts.forEach((t, i) => {
      RATES.forEach((r, k) => {
        const exact = Math.exp(-r * (t - 2));
        expect(Math.abs(ys[i][k] - exact) / exact, `t = ${t}, k = ${k}`).toBeLessThan(tol);
      });
    });
  });

  it('forward then backward returns to the start', () => {
    const y0 = tf.tensor1d([...lotkaVolterra.y0]);
    const y1 = tf.reshape(tf.slice(odeint(lotkaVolterra.f, y0, [0, 2], opts), [1], [1]), [2]);
    const back = odeint(lotkaVolterra.f, y1, [2, 0], opts).arraySync() as number[][];
    back[1].forEach((v, k) => {
      expect(Math.abs(v - lotkaVolterra.y0[k])).toBeLessThan(method === 'euler' ? 0.2 : 20 * tol);
    });
  });

  it('solves a batch [B, D] row by row: each row equals its own solve', () => {
    const rows = [
      [1, 1],
      [2, 0.5],
      [0.5, 3],
    ];
    const ts = [0, 0.5, 1];
    const batched = solveIvp(lotkaVolterra.f, tf.tensor2d(rows), ts, opts);
    expect(batched.ys.shape).toEqual([3, 3, 2]);
    const yb = batched.ys.arraySync() as number[][][];
    rows.forEach((row, b) => {
      const single = odeint(lotkaVolterra.f, tf.tensor1d(row), ts, opts).arraySync() as number[][];
      ts.forEach((_, i) => {
        row.forEach((_, k) => {
          // adaptive: the batch shares one step sequence (RMS over the batch), so rows differ
          // from their own solves by at most the tolerance's order
          expect(Math.abs(yb[i][b][k] - single[i][k])).toBeLessThan(fixed ? 1e-5 : 5e-4);
        });
      });
    });
  });
});

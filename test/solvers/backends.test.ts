/**
 * The wasm and cpu backends give the same solve, on Van der Pol with a batched [3, 2] state.
 *
 * Fixed steps (rk4, the same op sequence on both): values agree to float32 accuracy, relative
 * 2e-6 (100 steps of ~2^-24 round-off each).
 * Adaptive steps: the kernels differ in the last bits (e.g. reductions), and in float32 the error
 * estimate h·Σ e_i k_i of a small step is itself round-off (it cancels to ~1e-9 while k ~ 1 carries
 * ~6e-8 noise), so the two backends' controllers pick slightly different step sizes after the
 * first step (measured: identical first step, then h differs by ~4%). The solves then agree to
 * the tolerance, not to the last bit: step counts within 10% and values within 10·tol (relative).
 */
import { afterAll, expect, it } from 'vitest';
import { initBackend, type MethodName, solveIvp, tf } from '../../src/index.js';
import { linspace, vanDerPol } from './problems.js';

const TOL = 1e-5;
const start = tf.getBackend();
afterAll(async () => {
  await initBackend(start === 'cpu' ? 'cpu' : 'wasm');
});

function solve(method: MethodName) {
  const y0 = tf.tensor2d([
    [2, 0],
    [1, 1],
    [-0.5, 2],
  ]);
  const opts = method === 'rk4' ? { method, stepSize: 0.05 } : { method, rtol: TOL, atol: TOL };
  const r = solveIvp(vanDerPol.f, y0, linspace(0, 5, 11), opts);
  const ys = r.ys.arraySync() as number[][][];
  r.ys.dispose();
  y0.dispose();
  return { ys, stats: r.stats };
}

it.each(['dopri5', 'dop853', 'rk4'] as const)('%s: wasm and cpu agree', async (method) => {
  expect(await initBackend('wasm')).toBe('wasm');
  expect(tf.getBackend()).toBe('wasm');
  const a = solve(method);
  expect(await initBackend('cpu')).toBe('cpu');
  expect(tf.getBackend()).toBe('cpu');
  const b = solve(method);
  if (method === 'rk4') expect(b.stats).toEqual(a.stats);
  else expect(Math.abs(b.stats.steps / a.stats.steps - 1)).toBeLessThanOrEqual(0.1);
  let worst = 0;
  a.ys.forEach((m, i) => {
    m.forEach((row, j) => {
      row.forEach((v, k) => {
        worst = Math.max(worst, Math.abs(v - b.ys[i][j][k]) / (1 + Math.abs(v)));
      });
    });
  });
  expect(worst).toBeLessThan(method === 'rk4' ? 2e-6 : 10 * TOL);
});

/**
 * Measured convergence order of the fixed-step methods: slope of log(global error) against
 * log(h) within ±0.25 of 1, 2, 2, 4, 4 (euler, midpoint, heun, rk4, rk38).
 *
 * Problems (closed forms):
 *  - harmonic oscillator y' = (y₂, −y₁) as a batched [1, 2] state, y(0) = (1, 0), to T = 10,
 *    exact (cos T, −sin T) — autonomous;
 *  - a chirp y' = (1 + t/10)·(y₂, −y₁), y(0) = (1, 0), to T = 10, exact rotation by t + t²/20 —
 *    time-dependent, so the stage times t + c_i h matter.
 * Step ranges: errors stay between ~1e-1 and ~1e-5, well above float32 round-off (the state is
 * O(1); 2^-24 per operation accumulates to ~1e-6 over ~1000 steps). Finer rk4/rk38 grids than
 * those below hit that floor (error stops falling near 1e-6), so they are not used.
 */
import { describe, expect, it } from 'vitest';
import type { FixedMethodName } from '../../solvers/index.js';
import { solveIvp, tf } from '../../src/index.js';
import { logSlope } from './helpers.js';

interface Case {
  name: string;
  y0: number[][];
  T: number;
  f: (t: number, y: tf.Tensor) => tf.Tensor;
  exact: (t: number) => number[];
}

const ROT = tf.keep(
  tf.tensor2d([
    [0, -1],
    [1, 0],
  ]),
);
const CASES: Case[] = [
  {
    name: 'oscillator',
    y0: [[1, 0]],
    T: 10,
    f: (_t, y) => tf.matMul(y, ROT),
    exact: (t) => [Math.cos(t), -Math.sin(t)],
  },
  {
    name: 'chirp',
    y0: [[1, 0]],
    T: 10,
    f: (t, y) => tf.matMul(y, tf.mul(ROT, 1 + t / 10)),
    exact: (t) => [Math.cos(t + (t * t) / 20), -Math.sin(t + (t * t) / 20)],
  },
];

const PLAN: [FixedMethodName, number, number[]][] = [
  ['euler', 1, [160, 320, 640, 1280]],
  ['midpoint', 2, [40, 80, 160, 320]],
  ['heun', 2, [40, 80, 160, 320]],
  ['rk4', 4, [20, 40, 80]],
  ['rk38', 4, [20, 40, 80]],
];

function globalError(c: Case, method: FixedMethodName, n: number): number {
  const r = solveIvp(c.f, tf.tensor2d(c.y0), [0, c.T], { method, stepSize: c.T / n });
  expect(r.stats.steps).toBe(n);
  const y = (r.ys.arraySync() as number[][][])[1][0];
  r.ys.dispose();
  const ex = c.exact(c.T);
  return Math.hypot(...y.map((v, k) => v - ex[k]));
}

describe.each(CASES)('convergence order on $name', (c) => {
  it.each(PLAN)('%s has order %i', (method, order, ns) => {
    const hs = ns.map((n) => c.T / n);
    const errs = ns.map((n) => globalError(c, method, n));
    for (const e of errs) expect(e).toBeGreaterThan(1e-5); // above the float32 floor
    const slope = logSlope(hs, errs);
    expect(slope, `errors ${errs.map((e) => e.toExponential(2)).join(', ')}`).toBeGreaterThan(order - 0.25);
    expect(slope).toBeLessThan(order + 0.25);
  });
});

/**
 * The step options do what they say: fixed steps land exactly on every output time (a last
 * partial step), `maxStep` caps adaptive steps, `firstStep` replaces the initial-step heuristic
 * (saving its one evaluation), `stats.warmStep` is a good `firstStep` for the next solve, the
 * controller options change the step sequence.
 */
import { expect, it } from 'vitest';
import { solveList } from '../../solvers/odeint.js';
import { resolveOptions } from '../../solvers/options.js';
import { odeint, solveIvp, tf } from '../../src/index.js';
import { vanDerPol } from './problems.js';

it('fixed steps: stepSize 0.3 over [0, 0.5, 1.6] → 2 + 4 steps, landing exactly on each time', () => {
  // y' = t is integrated exactly by midpoint and rk4 (quadrature of a linear function)
  const f = (t: number, y: tf.Tensor) => tf.add(tf.mul(y, 0), t);
  for (const method of ['midpoint', 'rk4'] as const) {
    const r = solveIvp(f, tf.tensor1d([0]), [0, 0.5, 1.6], { method, stepSize: 0.3 });
    expect(r.stats.steps).toBe(2 + 4);
    const ys = (r.ys.arraySync() as number[][]).map((y) => y[0]);
    expect(ys[1]).toBeCloseTo(0.125, 6);
    expect(ys[2]).toBeCloseTo(1.28, 6);
  }
  // without stepSize: one step per output interval
  const one = solveIvp(f, tf.tensor1d([0]), [0, 0.5, 1.6, 2], { method: 'rk4' });
  expect(one.stats.steps).toBe(3);
  expect(one.stats.nfe).toBe(12);
});

it('maxStep caps the adaptive step', () => {
  const y0 = tf.tensor1d([...vanDerPol.y0]);
  const free = solveIvp(vanDerPol.f, y0, [0, 10], { rtol: 1e-3, atol: 1e-3 });
  const capped = solveIvp(vanDerPol.f, y0, [0, 10], { rtol: 1e-3, atol: 1e-3, maxStep: 0.1 });
  expect(free.stats.steps).toBeLessThan(100);
  expect(capped.stats.steps).toBeGreaterThanOrEqual(100);
});

it('firstStep replaces the initial-step heuristic (one evaluation fewer) and reverse works with it', () => {
  const y0 = tf.tensor1d([...vanDerPol.y0]);
  const r = solveIvp(vanDerPol.f, y0, [0, 1], { firstStep: 0.01 });
  expect(r.stats.nfe).toBe(6 * (r.stats.steps + r.stats.rejected) + 1);
  // reverse: same saving of one evaluation, and solving back from y(1) returns to y0
  const y1 = tf.tensor1d(Array.from(r.ys.dataSync()).slice(2));
  const back = solveIvp(vanDerPol.f, y1, [1, 0], { firstStep: 0.01, rtol: 1e-6, atol: 1e-6 });
  expect(back.stats.nfe).toBe(6 * (back.stats.steps + back.stats.rejected) + 1);
  const start = Array.from(back.ys.dataSync()).slice(2);
  expect(start[0]).toBeCloseTo(vanDerPol.y0[0], 3);
  expect(start[1]).toBeCloseTo(vanDerPol.y0[1], 3);
  tf.dispose([y1, back.ys, r.ys]);
  expect(odeint(vanDerPol.f, y0, [1, 0], { firstStep: 0.01 }).shape).toEqual([2, 2]);
});

it('minFactor bounds how far one rejection shrinks the step: from firstStep 1, rejections ≈ log(h*)/log(minFactor)', () => {
  // The first step (1) is far too large at 1e-6: each rejection shrinks h by max(minFactor, …),
  // so a minFactor close to 1 needs many rejections to reach the step that is accepted.
  const y0 = tf.tensor1d([...vanDerPol.y0]);
  const rejected = [0.9, 0.5, 0.2, 0.01].map(
    (minFactor) =>
      solveIvp(vanDerPol.f, y0, [0, 1], { rtol: 1e-6, atol: 1e-6, firstStep: 1, minFactor }).stats.rejected,
  );
  expect(rejected[0]).toBeGreaterThan(rejected[1]);
  expect(rejected[1]).toBeGreaterThan(rejected[2]);
  expect(rejected[2]).toBeGreaterThanOrEqual(rejected[3]);
  // both sequences shrink to the same scale h*: r·log(minFactor) agree within a factor 2
  const scale09 = rejected[0] * Math.log(0.9);
  const scale05 = rejected[1] * Math.log(0.5);
  expect(scale09 / scale05).toBeGreaterThan(0.5);
  expect(scale09 / scale05).toBeLessThan(2);
});

it('safety, maxFactor, minFactor and beta change the step sequence', () => {
  const y0 = tf.tensor1d([...vanDerPol.y0]);
  const base = solveIvp(vanDerPol.f, y0, [0, 10], { rtol: 1e-4, atol: 1e-4 }).stats;
  const cautious = solveIvp(vanDerPol.f, y0, [0, 10], { rtol: 1e-4, atol: 1e-4, safety: 0.5 }).stats;
  const slowGrowth = solveIvp(vanDerPol.f, y0, [0, 10], { rtol: 1e-4, atol: 1e-4, maxFactor: 1.2 }).stats;
  expect(cautious.steps).toBeGreaterThan(base.steps * 1.2);
  expect(slowGrowth.steps).toBeGreaterThan(base.steps);
  const iCtrl = solveIvp(vanDerPol.f, y0, [0, 10], { rtol: 1e-4, atol: 1e-4, beta: 0 }).stats;
  expect(iCtrl).not.toEqual(base);
});

it('stats.warmStep: the step chosen after the first accepted one; as firstStep the next solve starts there', () => {
  // y' = −(1 + t)·y: smooth, no rejections at this tolerance
  const f = (t: number, y: tf.Tensor) => tf.mul(y, -(1 + t));
  const y0 = tf.tensor1d([1, 2]);
  const o = resolveOptions({ rtol: 1e-5, atol: 1e-5 });
  const cold = solveList(f, y0, [0, 3], o);
  const h = cold.stats.warmStep as number;
  // the second accepted step is the one the controller chose (no rejection before it, not the last)
  expect(cold.stats.rejected).toBe(0);
  expect(cold.stepEnds.length).toBeGreaterThan(3);
  expect(cold.stepEnds[1] - cold.stepEnds[0]).toBeCloseTo(h, 12);
  const warm = solveList(f, y0, [0, 3], { ...o, firstStep: h });
  expect(warm.stepEnds[0]).toBeCloseTo(h, 12);
  expect(warm.stats.nfe).toBe(6 * (warm.stats.steps + warm.stats.rejected) + 1);
  expect(warm.stats.nfe).toBeLessThan(cold.stats.nfe);
  // the same solution within the tolerance: y(3) = y0·e^(−7.5)
  const a = cold.ys[1].dataSync();
  const b = warm.ys[1].dataSync();
  for (let i = 0; i < 2; i++) {
    const exact = (i + 1) * Math.exp(-7.5);
    expect(Math.abs(a[i] - exact)).toBeLessThan(1e-5);
    expect(Math.abs(b[i] - exact)).toBeLessThan(1e-5);
  }
  // fixed steps choose nothing
  const fixed = solveIvp(f, y0, [0, 1], { method: 'rk4', stepSize: 0.1 });
  expect(fixed.stats.warmStep).toBeUndefined();
  tf.dispose([y0, cold.ys[1], warm.ys[1], fixed.ys]);
});

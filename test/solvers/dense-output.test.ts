/**
 * Dense output: asking for 100 output times takes exactly the steps (accepted and rejected) that
 * 2 output times take, and the 100 interpolated values match the reference (odexSolve, float64)
 * about as well as the step endpoints do: within 10× of the end value's error (or of the tolerance,
 * if that is larger) — a wrong interpolant coefficient gives O(h) errors, orders above this. Each method's interpolant order is proved separately
 * (tableau-embedded-dense.test.ts); here it is the stepper that uses it.
 */
import { describe, expect, it } from 'vitest';
import type { AdaptiveMethodName } from '../../solvers/index.js';
import { solveIvp, tf } from '../../src/index.js';
import { maxAbsError, reference } from './helpers.js';
import { kepler, linspace, vanDerPol } from './problems.js';

const METHODS: AdaptiveMethodName[] = ['bosh3', 'dopri5', 'tsit5', 'dop853'];

describe.each([vanDerPol, kepler])('$name', (p) => {
  it.each(METHODS)('%s: 100 outputs take the same steps as 2 and match the reference', (method) => {
    const tol = 1e-5;
    const ends = [p.t0, p.t1];
    const many = linspace(p.t0, p.t1, 100);
    const r2 = solveIvp(p.f, tf.tensor1d([...p.y0]), ends, { method, rtol: tol, atol: tol });
    const r100 = solveIvp(p.f, tf.tensor1d([...p.y0]), many, { method, rtol: tol, atol: tol });
    expect(r100.stats.steps).toBe(r2.stats.steps);
    expect(r100.stats.rejected).toBe(r2.stats.rejected);
    // DOP853 evaluates 3 extra stages per step that holds an output time; the others none.
    if (method !== 'dop853') expect(r100.stats.nfe).toBe(r2.stats.nfe);
    else expect(r100.stats.nfe).toBeGreaterThan(r2.stats.nfe);
    const y2 = r2.ys.arraySync() as number[][];
    const y100 = r100.ys.arraySync() as number[][];
    r2.ys.dispose();
    r100.ys.dispose();
    // the same end value, whatever the outputs in between
    expect(y100[99]).toEqual(y2[1]);
    const endErr = maxAbsError([y2[1]], reference(p, ends).slice(1));
    const denseErr = maxAbsError(y100, reference(p, many));
    expect(
      denseErr,
      `dense ${denseErr.toExponential(2)}, end ${endErr.toExponential(2)}`,
    ).toBeLessThanOrEqual(10 * Math.max(endErr, tol));
  });
});

/**
 * odexSolve, the float64 path: forward and reverse solves, dense output at every requested time
 * against closed forms (to 1e-9 at rtol = atol = 1e-11), counts, and its errors.
 */
import { describe, expect, it } from 'vitest';
import { MaxStepsError, OdeOptionError, OdeShapeError, odexSolve } from '../../src/index.js';
import { decay, kepler, linspace } from './problems.js';

function maxErr(ys: number[][], exact: number[][]): number {
  let e = 0;
  ys.forEach((y, i) => {
    y.forEach((v, k) => {
      e = Math.max(e, Math.abs(v - exact[i][k]));
    });
  });
  return e;
}

describe('odexSolve', () => {
  it.each([decay, kepler])('$name forward: dense output at 50 times matches the closed form', (p) => {
    const ts = linspace(p.t0, p.t1, 50);
    const r = odexSolve(p.f64, p.y0, ts, { rtol: 1e-11, atol: 1e-11 });
    expect(r.ys.length).toBe(50);
    expect(r.ys[0]).toEqual([...p.y0]);
    expect(
      maxErr(
        r.ys,
        ts.map((t) => p.exact?.(t) ?? []),
      ),
    ).toBeLessThan(1e-9);
    // dense output: far fewer steps than output times
    expect(r.stats.steps).toBeLessThan(50);
    expect(r.stats.nfe).toBeGreaterThan(r.stats.steps);
  });

  it('reverse: from the Kepler orbit at 2π back to 0 through 30 times', () => {
    const ts = linspace(2 * Math.PI, 0, 30);
    const start = kepler.exact?.(2 * Math.PI) ?? [];
    const r = odexSolve(kepler.f64, start, ts, { rtol: 1e-11, atol: 1e-11 });
    expect(
      maxErr(
        r.ys,
        ts.map((t) => kepler.exact?.(t) ?? []),
      ),
    ).toBeLessThan(1e-9);
  });

  it('reverse decay grows as e^{λ(2 − t)}', () => {
    const ts = [2, 1.3, 0.4, 0];
    const r = odexSolve(decay.f64, [1, 1, 1], ts, { rtol: 1e-12, atol: 1e-12 });
    const exact = ts.map((t) => [0.5, 1, 2].map((l) => Math.exp(l * (2 - t))));
    expect(maxErr(r.ys, exact)).toBeLessThan(1e-9 * Math.exp(4));
  });

  it('error shrinks with the tolerance', () => {
    const ts = linspace(0, 2 * Math.PI, 7);
    const exact = ts.map((t) => kepler.exact?.(t) ?? []);
    const loose = maxErr(odexSolve(kepler.f64, kepler.y0, ts, { rtol: 1e-5, atol: 1e-5 }).ys, exact);
    const tight = maxErr(odexSolve(kepler.f64, kepler.y0, ts, { rtol: 1e-10, atol: 1e-10 }).ys, exact);
    expect(tight).toBeLessThan(loose / 100);
  });

  it('throws typed errors for bad options, shapes and too many steps', () => {
    expect(() => odexSolve(decay.f64, decay.y0, [0, 1], { rtol: 1e-20 })).toThrow(OdeOptionError);
    expect(() => odexSolve(decay.f64, decay.y0, [0, 1], { atol: -1 })).toThrow(/option atol/);
    expect(() => odexSolve(() => [1], decay.y0, [0, 1])).toThrow(OdeShapeError);
    expect(() => odexSolve(decay.f64, decay.y0, [0, 0])).toThrow(OdeOptionError);
    const err = (() => {
      try {
        odexSolve(kepler.f64, kepler.y0, [0, 100], { maxSteps: 5 });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(MaxStepsError);
    expect((err as MaxStepsError).t).toBeGreaterThan(0);
    expect((err as MaxStepsError).t).toBeLessThan(100);
  });
});

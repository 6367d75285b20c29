import { odexSolve } from '../../solvers/index.js';
import type { Problem } from './problems.js';

/** The reference solution at `ts`: the closed form where known, else odexSolve (float64) at 1e-12. */
export function reference(p: Problem, ts: readonly number[]): number[][] {
  if (p.exact) return ts.map(p.exact);
  return odexSolve(p.f64, p.y0, ts, { rtol: 1e-12, atol: 1e-12, maxSteps: 100_000 }).ys;
}

/** max_{i,k} |y_ik − ref_ik| / (atol + rtol·|ref_ik|): the mixed error in units of the tolerance. */
export function scaledError(ys: number[][], ref: number[][], rtol: number, atol: number): number {
  let e = 0;
  ys.forEach((y, i) => {
    y.forEach((v, k) => {
      e = Math.max(e, Math.abs(v - ref[i][k]) / (atol + rtol * Math.abs(ref[i][k])));
    });
  });
  return e;
}

/** max_{i,k} |y_ik − ref_ik|. */
export function maxAbsError(ys: number[][], ref: number[][]): number {
  let e = 0;
  ys.forEach((y, i) => {
    y.forEach((v, k) => {
      e = Math.max(e, Math.abs(v - ref[i][k]));
    });
  });
  return e;
}

/** Least-squares slope of log y against log x. */
export function logSlope(xs: readonly number[], ys: readonly number[]): number {
  const lx = xs.map(Math.log);
  const ly = ys.map(Math.log);
  const mx = lx.reduce((a, b) => a + b, 0) / lx.length;
  const my = ly.reduce((a, b) => a + b, 0) / ly.length;
  let num = 0;
  let den = 0;
  lx.forEach((x, i) => {
    num += (x - mx) * (ly[i] - my);
    den += (x - mx) ** 2;
  });
  return num / den;
}

/**
 * Accuracy of every adaptive method against float64 references, with bounds that can fail.
 *
 * Error measure E (in units of the tolerance): max over the output times and components k of
 * |y_k − y*_k| / (tol + tol·|y*_k|), y* the closed form (decay, Kepler) or odexSolve in float64 at
 * 1e-12/1e-13 (Lotka–Volterra, Van der Pol, Arenstorf).
 *
 * Global error is not bounded by the tolerance (step control bounds the local error), so each
 * method is held to what a float64 implementation of the *same* method achieves:
 * - dopri5 against Hairer's DOPRI5 (Fortran, float64) on the same problem and tolerance: its end
 *   states are stored in test/fixtures/dopri5_steps.json (and it takes DOPRI5's steps ±1, see
 *   dopri5-steps.test.ts). Bound: E ≤ 2·E_DOPRI5 + 1 on all 20 cases (measured 2026-11-30, wasm:
 *   largest ratio 1.7, Arenstorf at 1e-5, where the orbit amplifies float32 round-off).
 * - bosh3 against scipy's RK23 (same Bogacki–Shampine pair and controller): E ≤ 1.1·E_RK23 + 0.5
 *   (measured: equal to two digits in 11 of 12 cases).
 * - dop853 against scipy's DOP853: E ≤ 2·max(E_DOP853, 1), except Kepler at 1e-5, where ours is
 *   measured at E = 11.4 against DOP853's 1.44 with the same 11 steps (the error builds up over
 *   the last two intervals; a known gap, held at ≤ 15 here so it cannot grow unseen).
 * - tsit5 has no float64 reference of its own: it is held to ≤ 3·max(E_dopri5, 1) of our dopri5
 *   on the same case (measured: at most 2.3×, Van der Pol at 1e-3).
 * And for every method, 100× tighter tolerance must cut the absolute error at least 10×.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { AdaptiveMethodName } from '../../solvers/index.js';
import { odexSolve, solveIvp, tf } from '../../src/index.js';
import { maxAbsError, reference, scaledError } from './helpers.js';
import { arenstorf, CLASSIC, linspace, type Problem } from './problems.js';

interface RefCase {
  problem: string;
  method: string;
  tol: number;
  scaledError: number;
}
interface Dopri5Case {
  problem: string;
  rtol: number;
  atol: number;
  yEnd: number[];
}
const REF: RefCase[] = JSON.parse(
  readFileSync(new URL('../fixtures/adaptive_reference_errors.json', import.meta.url), 'utf8'),
).cases;
const DOPRI5: Dopri5Case[] = JSON.parse(
  readFileSync(new URL('../fixtures/dopri5_steps.json', import.meta.url), 'utf8'),
).cases;
const TOLS = [1e-3, 1e-4, 1e-5];
const PROBLEMS = new Map<string, Problem>([...CLASSIC, arenstorf].map((p) => [p.name, p]));

function solve(p: Problem, ts: number[], method: AdaptiveMethodName, tol: number): number[][] {
  const r = solveIvp(p.f, tf.tensor1d([...p.y0]), ts, { method, rtol: tol, atol: tol });
  const ys = r.ys.arraySync() as number[][];
  r.ys.dispose();
  return ys;
}
const scipyE = (problem: string, method: string, tol: number): number => {
  const c = REF.find((r) => r.problem === problem && r.method === method && r.tol === tol);
  if (!c) throw new Error(`no reference for ${problem} ${method} ${tol}`);
  return c.scaledError;
};

describe('dopri5 against Hairer’s DOPRI5 end states (float64, same method)', () => {
  it.each(DOPRI5)('$problem at $rtol: E ≤ 2·E_DOPRI5 + 1', (c) => {
    const p = PROBLEMS.get(c.problem) as Problem;
    const truth = p.exact
      ? p.exact(p.t1)
      : odexSolve(p.f64, p.y0, [p.t0, p.t1], { rtol: 1e-13, atol: 1e-13, maxSteps: 1_000_000 }).ys[1];
    const ours = solve(p, [p.t0, p.t1], 'dopri5', c.rtol)[1];
    const E = scaledError([ours], [truth], c.rtol, c.atol);
    const eD = scaledError([c.yEnd], [truth], c.rtol, c.atol);
    expect(E, `E ${E.toFixed(2)}, DOPRI5 ${eD.toFixed(2)}`).toBeLessThanOrEqual(2 * eD + 1);
  });
});

describe.each(CLASSIC)('$name', (p) => {
  const ts = linspace(p.t0, p.t1, 11);
  const ref = reference(p, ts);
  const E: Record<string, number[]> = {};
  const abs: Record<string, number[]> = {};
  for (const m of ['bosh3', 'dopri5', 'tsit5', 'dop853'] as const) {
    E[m] = [];
    abs[m] = [];
    for (const tol of TOLS) {
      const ys = solve(p, ts, m, tol);
      E[m].push(scaledError(ys, ref, tol, tol));
      abs[m].push(maxAbsError(ys, ref));
    }
  }
  const show = (m: string) => E[m].map((e) => e.toFixed(2)).join(', ');

  it('bosh3: E ≤ 1.1·E_RK23 + 0.5 (scipy, same pair and controller)', () => {
    TOLS.forEach((tol, i) => {
      expect(E.bosh3[i], `E ${show('bosh3')}`).toBeLessThanOrEqual(1.1 * scipyE(p.name, 'RK23', tol) + 0.5);
    });
  });
  it('dop853: E ≤ 2·max(E_DOP853, 1) (Kepler at 1e-5: ≤ 15, a known gap)', () => {
    TOLS.forEach((tol, i) => {
      const bound = p.name === 'kepler' && tol === 1e-5 ? 15 : 2 * Math.max(1, scipyE(p.name, 'DOP853', tol));
      expect(E.dop853[i], `E ${show('dop853')}`).toBeLessThanOrEqual(bound);
    });
  });
  it('tsit5: E ≤ 3·max(E_dopri5, 1)', () => {
    TOLS.forEach((_tol, i) => {
      expect(E.tsit5[i], `tsit5 ${show('tsit5')}; dopri5 ${show('dopri5')}`).toBeLessThanOrEqual(
        3 * Math.max(1, E.dopri5[i]),
      );
    });
  });
  it.each(['bosh3', 'dopri5', 'tsit5', 'dop853'])('%s: 100× tighter tolerance, ≥ 10× smaller error', (m) => {
    expect(
      abs[m][2],
      `absolute errors ${abs[m].map((e) => e.toExponential(2)).join(', ')}`,
    ).toBeLessThanOrEqual(abs[m][0] / 10);
  });
});

/**
 * bosh3 and dop853 take the steps of scipy's solvers of the same pairs (solve_ivp RK23 and
 * DOP853, same controller defaults) on Decay, Lotka–Volterra, Van der Pol, Kepler and Arenstorf
 * at rtol = atol = 1e-3 … 1e-6: accepted steps equal scipy's within max(1, 0.5%) each (measured
 * on wasm 2026-11-30: 34 of 40 equal, 5 off by one, bosh3 on Arenstorf at 1e-6 off by 3 of 821),
 * totals within 0.5%.
 * Fixture: test/fixtures/scipy_steps.json from bench/reference/scipy_steps.py.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { solveIvp, tf } from '../../src/index.js';
import { arenstorf, CLASSIC, type Problem } from './problems.js';

interface StepCase {
  method: 'RK23' | 'DOP853';
  problem: string;
  rtol: number;
  atol: number;
  steps: number;
}
const CASES: StepCase[] = JSON.parse(
  readFileSync(new URL('../fixtures/scipy_steps.json', import.meta.url), 'utf8'),
).cases;
const PROBLEMS = new Map<string, Problem>([...CLASSIC, arenstorf].map((p) => [p.name, p]));
const OURS = { RK23: 'bosh3', DOP853: 'dop853' } as const;

describe.each(['RK23', 'DOP853'] as const)('%s', (scipyMethod) => {
  const cases = CASES.filter((c) => c.method === scipyMethod);
  const method = OURS[scipyMethod];
  let ours = 0;
  let theirs = 0;
  it(`has 20 cases`, () => expect(cases.length).toBe(20));
  it.each(cases)(`${method}: $problem at tol $rtol`, (c) => {
    const p = PROBLEMS.get(c.problem);
    if (!p) throw new Error(`unknown problem ${c.problem}`);
    const r = solveIvp(p.f, tf.tensor1d([...p.y0]), [p.t0, p.t1], { method, rtol: c.rtol, atol: c.atol });
    r.ys.dispose();
    const margin = Math.max(1, Math.ceil(0.005 * c.steps));
    expect(Math.abs(r.stats.steps - c.steps), `ours ${r.stats.steps}, scipy ${c.steps}`).toBeLessThanOrEqual(
      margin,
    );
    ours += r.stats.steps;
    theirs += c.steps;
  });
  it('totals within 0.5%', () => {
    expect(theirs).toBeGreaterThan(0);
    expect(Math.abs(ours / theirs - 1)).toBeLessThanOrEqual(0.005);
  });
});

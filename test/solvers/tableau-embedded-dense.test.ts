/**
 * The adaptive pairs' embedded estimators and continuous extensions, from the numbers alone:
 * e annihilates every tree up to the embedded order (so b − e, the embedded solution, has that
 * order), and the dense weights b_i(θ) satisfy the order conditions at every θ up to the
 * interpolant's order, equal b at θ = 1 and vanish at θ = 0. For DOP853 this includes the three
 * extra stages, whose rows are checked like any other stage.
 */
import { describe, expect, it } from 'vitest';
import { ADAPTIVE_METHODS } from '../../solvers/index.js';
import type { EmbeddedTableau } from '../../solvers/tableau.js';
import { elementaryWeights, orderDefects, treesUpTo, weightedSums } from './trees.js';

const TREES = treesUpTo(8);
const TOL = 1e-11;

/** Interpolant order of each method's continuous extension, and the embedded estimators' orders. */
const EXPECTED = {
  bosh3: { dense: 3, e: 2, e3: undefined },
  dopri5: { dense: 4, e: 4, e3: undefined },
  tsit5: { dense: 4, e: 4, e3: undefined },
  dop853: { dense: 7, e: 5, e3: 3 },
} as const;

/** The stages the error estimate and dense output use: the s stages, FSAL f(t+h, y₁), DOP853's extras. */
function extended(tab: EmbeddedTableau): { A: number[][]; c: number[] } {
  const rows: (readonly number[])[] = [...tab.a, tab.b];
  const c = [...tab.c, 1];
  if (tab.dense.kind === 'polynomial' && tab.dense.extra) {
    rows.push(...tab.dense.extra.a);
    c.push(...tab.dense.extra.c);
  }
  const n = rows.length;
  return { A: rows.map((r) => Array.from({ length: n }, (_, j) => r[j] ?? 0)), c };
}

function denseWeights(tab: EmbeddedTableau, theta: number): number[] {
  if (tab.dense.kind !== 'polynomial') throw new Error('not polynomial');
  return tab.dense.p.map((row) => row.reduce((acc, coef, m) => acc + coef * theta ** (m + 1), 0));
}

function maxAbsAtOrder(values: number[], order: number): number {
  return Math.max(...values.filter((_, k) => TREES[k].order === order).map(Math.abs));
}

describe.each(Object.entries(ADAPTIVE_METHODS))('%s', (name, tab) => {
  const exp = EXPECTED[name as keyof typeof EXPECTED];
  const { A, c } = extended(tab);
  const phi = elementaryWeights(TREES, A);

  it('extended stage rows sum to their nodes', () => {
    A.forEach((row, i) => {
      expect(Math.abs(row.reduce((x, y) => x + y, 0) - c[i])).toBeLessThan(TOL);
    });
  });

  it(`has an embedded estimator e of order ${exp.e} exactly (and the controller uses errorOrder ${tab.errorOrder})`, () => {
    expect(tab.e.length).toBe(tab.c.length + 1);
    const sums = weightedSums(phi, tab.e);
    for (let q = 1; q <= exp.e; q++) expect(maxAbsAtOrder(sums, q), `order ${q}`).toBeLessThan(TOL);
    expect(maxAbsAtOrder(sums, exp.e + 1)).toBeGreaterThan(1e-6);
    // The embedded solution b − e (b extended by 0 for the FSAL stage) then has order exp.e.
    const bHat = [...tab.b, 0].map((bi, i) => bi - tab.e[i]);
    const d = orderDefects(TREES, phi, bHat);
    for (let q = 1; q <= exp.e; q++) expect(maxAbsAtOrder(d, q)).toBeLessThan(TOL);
  });

  if (exp.e3 !== undefined) {
    it(`has a second estimator e3 of order ${exp.e3}`, () => {
      const e3 = tab.e3 ?? [];
      const sums = weightedSums(phi, e3);
      for (let q = 1; q <= exp.e3; q++) expect(maxAbsAtOrder(sums, q)).toBeLessThan(TOL);
      expect(maxAbsAtOrder(sums, exp.e3 + 1)).toBeGreaterThan(1e-6);
    });
  }

  it('has a polynomial dense output equal to b at θ = 1 (FSAL and extra stages weigh 0)', () => {
    expect(tab.dense.kind).toBe('polynomial');
    const w1 = denseWeights(tab, 1);
    expect(w1.length).toBe(A.length);
    w1.forEach((w, i) => {
      expect(Math.abs(w - (i < tab.b.length ? tab.b[i] : 0)), `stage ${i}`).toBeLessThan(TOL);
    });
  });

  it(`has a dense output of order ${exp.dense} at every θ (and not ${exp.dense + 1})`, () => {
    let worstNext = 0;
    for (const theta of [0.1, 0.25, 0.5, 0.7, 0.9]) {
      const d = orderDefects(TREES, phi, denseWeights(tab, theta), theta);
      for (let q = 1; q <= exp.dense; q++) {
        expect(maxAbsAtOrder(d, q), `θ = ${theta}, order ${q}`).toBeLessThan(TOL);
      }
      worstNext = Math.max(worstNext, maxAbsAtOrder(d, exp.dense + 1));
    }
    expect(worstNext).toBeGreaterThan(1e-6);
  });
});

/**
 * Order conditions of every tableau, from the tableau's numbers alone (rooted trees, Butcher):
 * the propagated solution has its stated order (and not more), the embedded estimator has its
 * stated order, the nodes are the row sums.
 */
import { describe, expect, it } from 'vitest';
import { ADAPTIVE_METHODS, FIXED_METHODS } from '../../solvers/index.js';
import type { ButcherTableau } from '../../solvers/tableau.js';
import { elementaryWeights, orderDefects, treesUpTo } from './trees.js';

const TOL = 1e-12;
const TREES = treesUpTo(9);

/** The s×s matrix A from the tableau's lower-triangular rows. */
function square(tab: ButcherTableau): number[][] {
  const s = tab.c.length;
  return tab.a.map((row) => Array.from({ length: s }, (_, j) => row[j] ?? 0));
}

function maxDefect(tab: ButcherTableau, order: number): number {
  const phi = elementaryWeights(TREES, square(tab));
  const d = orderDefects(TREES, phi, tab.b);
  return Math.max(...d.filter((_, k) => TREES[k].order === order).map(Math.abs));
}

describe('rooted trees', () => {
  it('counts 1, 1, 2, 4, 9, 20, 48, 115, 286 trees of orders 1 … 9', () => {
    const counts = Array.from({ length: 9 }, (_, n) => TREES.filter((t) => t.order === n + 1).length);
    expect(counts).toEqual([1, 1, 2, 4, 9, 20, 48, 115, 286]);
  });
});

const ALL: [string, ButcherTableau][] = [
  ...Object.entries(FIXED_METHODS),
  ...Object.entries(ADAPTIVE_METHODS),
];

describe.each(ALL)('%s tableau', (_name, tab) => {
  it('has c_i = Σ_j a_ij and a strictly lower-triangular A', () => {
    expect(tab.a.length).toBe(tab.c.length);
    expect(tab.b.length).toBe(tab.c.length);
    tab.a.forEach((row, i) => {
      expect(row.length).toBeLessThanOrEqual(i);
      expect(Math.abs(row.reduce((x, y) => x + y, 0) - tab.c[i])).toBeLessThan(TOL);
    });
  });

  it(`satisfies every order condition up to its order and fails one at order + 1`, () => {
    for (let q = 1; q <= tab.order; q++) expect(maxDefect(tab, q), `order ${q}`).toBeLessThan(TOL);
    expect(maxDefect(tab, tab.order + 1)).toBeGreaterThan(1e-6);
  });
});

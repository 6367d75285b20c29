import { describe, expect, it } from 'vitest';
import { linearAssignment } from '../../src/flowmatch/assignment.js';
import { sinkhorn } from '../../src/flowmatch/sinkhorn.js';

/** A small seeded generator so the cases are fixed. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Minimum assignment cost by trying every permutation (n ≤ 8). */
function bruteForce(cost: number[], n: number): number {
  let best = Number.POSITIVE_INFINITY;
  const perm = Array.from({ length: n }, (_, i) => i);
  const rec = (k: number, acc: number) => {
    if (acc >= best) return;
    if (k === n) {
      best = acc;
      return;
    }
    for (let i = k; i < n; i++) {
      [perm[k], perm[i]] = [perm[i], perm[k]];
      rec(k + 1, acc + cost[k * n + perm[k]]);
      [perm[k], perm[i]] = [perm[i], perm[k]];
    }
  };
  rec(0, 0);
  return best;
}

function squaredDistances(x: number[][], y: number[][]): number[] {
  return x.flatMap((a) => y.map((b) => a.reduce((s, ai, d) => s + (ai - b[d]) ** 2, 0)));
}

describe('exact assignment (Hungarian)', () => {
  it('equals the brute-force minimum on random batches of size 1…8', () => {
    const rand = lcg(7);
    for (let n = 1; n <= 8; n++) {
      for (let trial = 0; trial < 5; trial++) {
        const x = Array.from({ length: n }, () => [rand() * 4 - 2, rand() * 4 - 2]);
        const y = Array.from({ length: n }, () => [rand() * 4 - 2, rand() * 4 - 2]);
        const cost = squaredDistances(x, y);
        const sigma = linearAssignment(cost, n);
        expect(new Set(sigma).size).toBe(n); // a permutation
        const got = Array.from(sigma).reduce((s, j, i) => s + cost[i * n + j], 0);
        expect(got).toBeCloseTo(bruteForce(cost, n), 10);
      }
    }
  });

  it('handles ties and integer costs', () => {
    const cost = [1, 1, 1, 1, 1, 1, 1, 1, 1];
    expect(new Set(linearAssignment(cost, 3)).size).toBe(3);
    const c2 = [4, 1, 3, 2, 0, 5, 3, 2, 2];
    const s = linearAssignment(c2, 3);
    expect(Array.from(s).reduce((a, j, i) => a + c2[i * 3 + j], 0)).toBe(bruteForce(c2, 3));
  });

  it('refuses non-finite costs and wrong sizes', () => {
    expect(() => linearAssignment([0, Number.NaN, 1, 2], 2)).toThrow(/cost\[0\]\[1\]/);
    expect(() => linearAssignment([0, 1, 2], 2)).toThrow(/n² = 4/);
  });
});

describe('Sinkhorn', () => {
  it('returns a plan with uniform marginals within 1e-4', () => {
    const rand = lcg(3);
    const n = 16;
    const m = 12;
    const x = Array.from({ length: n }, () => [rand(), rand()]);
    const y = Array.from({ length: m }, () => [rand() + 1, rand()]);
    const { plan, marginalError } = sinkhorn(squaredDistances(x, y), n, m, { reg: 0.05, tol: 1e-7 });
    expect(marginalError).toBeLessThan(1e-4);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < m; j++) s += plan[i * m + j];
      expect(Math.abs(s - 1 / n)).toBeLessThan(1e-4);
    }
    for (let j = 0; j < m; j++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += plan[i * m + j];
      expect(Math.abs(s - 1 / m)).toBeLessThan(1e-4);
    }
  });

  it('approaches the exact assignment as the regularisation shrinks', () => {
    const rand = lcg(11);
    const n = 6;
    const x = Array.from({ length: n }, () => [rand() * 3, rand() * 3]);
    const y = Array.from({ length: n }, () => [rand() * 3, rand() * 3]);
    const cost = squaredDistances(x, y);
    const exact = bruteForce(cost, n) / n;
    const costOf = (plan: Float64Array) => plan.reduce((s, p, k) => s + p * cost[k], 0);
    const loose = costOf(sinkhorn(cost, n, n, { reg: 0.5 }).plan);
    const tight = costOf(sinkhorn(cost, n, n, { reg: 0.01, maxIter: 20000 }).plan);
    expect(tight).toBeGreaterThanOrEqual(exact - 1e-9);
    expect(tight - exact).toBeLessThan(loose - exact);
    expect(tight - exact).toBeLessThan(0.02 * exact);
  });
});

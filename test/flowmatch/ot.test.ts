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

/**
 * Minimum assignment cost by the classical O(n³) Hungarian method with row and column potentials
 * (Kuhn–Munkres in the shortest-path form): an implementation independent of the one under test.
 */
function hungarian(cost: number[], n: number): number {
  const INF = Number.POSITIVE_INFINITY;
  const u = new Float64Array(n + 1);
  const v = new Float64Array(n + 1);
  const p = new Int32Array(n + 1); // p[j]: row matched to column j (1-based, 0 = none)
  const way = new Int32Array(n + 1);
  for (let i = 1; i <= n; i++) {
    p[0] = i;
    let j0 = 0;
    const minv = new Float64Array(n + 1).fill(INF);
    const used = new Uint8Array(n + 1);
    do {
      used[j0] = 1;
      const i0 = p[j0];
      let delta = INF;
      let j1 = 0;
      for (let j = 1; j <= n; j++) {
        if (used[j]) continue;
        const cur = cost[(i0 - 1) * n + (j - 1)] - u[i0] - v[j];
        if (cur < minv[j]) {
          minv[j] = cur;
          way[j] = j0;
        }
        if (minv[j] < delta) {
          delta = minv[j];
          j1 = j;
        }
      }
      for (let j = 0; j <= n; j++) {
        if (used[j]) {
          u[p[j]] += delta;
          v[j] -= delta;
        } else minv[j] -= delta;
      }
      j0 = j1;
    } while (p[j0] !== 0);
    do {
      const j1 = way[j0];
      p[j0] = p[j1];
      j0 = j1;
    } while (j0 !== 0);
  }
  let total = 0;
  for (let j = 1; j <= n; j++) total += cost[(p[j] - 1) * n + (j - 1)];
  return total;
}

function squaredDistances(x: number[][], y: number[][]): number[] {
  return x.flatMap((a) => y.map((b) => a.reduce((s, ai, d) => s + (ai - b[d]) ** 2, 0)));
}

describe('exact assignment (auction + Jonker–Volgenant)', () => {
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

  it('equals an independent O(n³) Hungarian (potentials) on minibatch OT costs up to n = 300', () => {
    const rand = lcg(19);
    const gauss = () => Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
    for (const n of [20, 64, 150, 300]) {
      // sources from a standard normal, targets in eight clusters (8gaussians): long augmenting paths
      const x = Array.from({ length: n }, () => [gauss(), gauss()]);
      const y = Array.from({ length: n }, () => {
        const a = (Math.floor(rand() * 8) * Math.PI) / 4;
        return [4 * Math.cos(a) + 0.5 * gauss(), 4 * Math.sin(a) + 0.5 * gauss()];
      });
      const cost = squaredDistances(x, y);
      const sigma = linearAssignment(Float64Array.from(cost), n);
      expect(new Set(sigma).size).toBe(n);
      const got = Array.from(sigma).reduce((s, j, i) => s + cost[i * n + j], 0);
      const want = hungarian(cost, n);
      expect(Math.abs(got - want)).toBeLessThan(1e-9 * want);
    }
  });

  it('is exact on integer costs with many ties (n = 60, costs 0…3)', () => {
    const rand = lcg(23);
    const n = 60;
    for (let trial = 0; trial < 5; trial++) {
      const cost = Array.from({ length: n * n }, () => Math.floor(rand() * 4));
      const sigma = linearAssignment(cost, n);
      expect(new Set(sigma).size).toBe(n);
      expect(Array.from(sigma).reduce((s, j, i) => s + cost[i * n + j], 0)).toBe(hungarian(cost, n));
    }
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

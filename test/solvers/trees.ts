/**
 * Rooted trees and the Runge–Kutta order conditions (Butcher; Hairer, Nørsett & Wanner I, II.2),
 * computed from a tableau's numbers alone: independent of the stepping code.
 */

/** A rooted tree: its order ρ, its density γ, and its children (indices into the tree list). */
export interface Tree {
  readonly order: number;
  readonly gamma: number;
  readonly children: readonly number[];
}

/** Every rooted tree of order 1 … maxOrder (1, 1, 2, 4, 9, 20, 48, 115 of each order). */
export function treesUpTo(maxOrder: number): Tree[] {
  const trees: Tree[] = [{ order: 1, gamma: 1, children: [] }];
  for (let n = 2; n <= maxOrder; n++) {
    const limit = trees.length; // children come from trees of order < n
    // children as a non-decreasing list of tree indices whose orders sum to n − 1
    const extend = (start: number, remaining: number, chosen: number[]): void => {
      if (remaining === 0) {
        const gamma = chosen.reduce((g, j) => g * trees[j].gamma, n);
        trees.push({ order: n, gamma, children: [...chosen] });
        return;
      }
      for (let j = start; j < limit; j++) {
        if (trees[j].order <= remaining) extend(j, remaining - trees[j].order, [...chosen, j]);
      }
    };
    extend(0, n - 1, []);
  }
  return trees;
}

/** Φ_i(t) for every tree and stage i of the (square, strictly lower) matrix A: Φ(t)_i = Π_u (A Φ(u))_i. */
export function elementaryWeights(trees: readonly Tree[], A: readonly (readonly number[])[]): number[][] {
  const s = A.length;
  const phi: number[][] = [];
  for (const tree of trees) {
    const v = new Array<number>(s).fill(1);
    for (const child of tree.children) {
      for (let i = 0; i < s; i++) {
        let acc = 0;
        for (let j = 0; j < (A[i]?.length ?? 0); j++) acc += (A[i][j] ?? 0) * phi[child][j];
        v[i] *= acc;
      }
    }
    phi.push(v);
  }
  return phi;
}

/** Σ_i w_i Φ_i(t) − θ^ρ/γ for every tree: zero up to the order of the weights w (θ = 1: the solution). */
export function orderDefects(
  trees: readonly Tree[],
  phi: readonly (readonly number[])[],
  w: readonly number[],
  theta = 1,
): number[] {
  return trees.map((tree, k) => {
    let acc = 0;
    for (let i = 0; i < w.length; i++) acc += w[i] * phi[k][i];
    return acc - theta ** tree.order / tree.gamma;
  });
}

/** Σ_i e_i Φ_i(t) for every tree: an error estimator of order p has these zero for ρ(t) ≤ p. */
export function weightedSums(phi: readonly (readonly number[])[], e: readonly number[]): number[] {
  return phi.map((row) => row.reduce((acc, v, i) => acc + (e[i] ?? 0) * v, 0));
}

/**
 * Exact minimum-cost assignment (the Hungarian method with potentials, O(n³)): for an n × n cost
 * matrix, the permutation σ minimising Σ_i C[i][σ(i)]. Pure JS on float64; n = 512 takes well
 * under a second.
 *
 * @param cost row-major n × n costs
 * @returns σ as an array: row i is matched to column σ[i]
 */
export function linearAssignment(cost: ArrayLike<number>, n: number): Int32Array {
  if (cost.length !== n * n) throw new Error(`cost has ${cost.length} entries; expected n² = ${n * n}`);
  for (let k = 0; k < cost.length; k++) {
    if (!Number.isFinite(cost[k]))
      throw new Error(`cost[${Math.floor(k / n)}][${k % n}] = ${cost[k]} is not finite`);
  }
  // 1-based potentials u (rows) and v (columns); p[j] = row matched to column j; way = path.
  const u = new Float64Array(n + 1);
  const v = new Float64Array(n + 1);
  const p = new Int32Array(n + 1);
  const way = new Int32Array(n + 1);
  const minv = new Float64Array(n + 1);
  const used = new Uint8Array(n + 1);
  for (let i = 1; i <= n; i++) {
    p[0] = i;
    let j0 = 0;
    minv.fill(Number.POSITIVE_INFINITY);
    used.fill(0);
    do {
      used[j0] = 1;
      const i0 = p[j0];
      const row = (i0 - 1) * n;
      let delta = Number.POSITIVE_INFINITY;
      let j1 = 0;
      for (let j = 1; j <= n; j++) {
        if (used[j]) continue;
        const cur = cost[row + j - 1] - u[i0] - v[j];
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
        } else {
          minv[j] -= delta;
        }
      }
      j0 = j1;
    } while (p[j0] !== 0);
    do {
      const j1 = way[j0];
      p[j0] = p[j1];
      j0 = j1;
    } while (j0 !== 0);
  }
  const assignment = new Int32Array(n);
  for (let j = 1; j <= n; j++) assignment[p[j] - 1] = j - 1;
  return assignment;
}

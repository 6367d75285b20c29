/** Small dense float64 linear algebra on row-major `number[][]` (sizes here are ≤ a few dozen). */

/** LU with partial pivoting: returns perm, L (unit lower), U with A[perm[i]] = (L·U)[i]. */
export function luDecompose(a: readonly (readonly number[])[]): {
  perm: number[];
  l: number[][];
  u: number[][];
} {
  const n = a.length;
  const u = a.map((r) => [...r]);
  const l: number[][] = Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)),
  );
  const perm = Array.from({ length: n }, (_, i) => i);
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(u[i][k]) > Math.abs(u[p][k])) p = i;
    if (p !== k) {
      [u[p], u[k]] = [u[k], u[p]];
      [perm[p], perm[k]] = [perm[k], perm[p]];
      for (let j = 0; j < k; j++) [l[p][j], l[k][j]] = [l[k][j], l[p][j]];
    }
    for (let i = k + 1; i < n; i++) {
      const f = u[k][k] === 0 ? 0 : u[i][k] / u[k][k];
      l[i][k] = f;
      for (let j = k; j < n; j++) u[i][j] -= f * u[k][j];
    }
  }
  return { perm, l, u };
}

/** log|det A| by LU (−Infinity for a singular matrix). */
export function logAbsDet(a: readonly (readonly number[])[]): number {
  const { u } = luDecompose(a);
  let s = 0;
  for (let i = 0; i < u.length; i++) s += Math.log(Math.abs(u[i][i]));
  return s;
}

/** A⁻¹ by Gauss–Jordan with partial pivoting; throws for a singular matrix. */
export function invertMatrix(a: readonly (readonly number[])[]): number[][] {
  const n = a.length;
  const m = a.map((r, i) => [...r, ...Array.from({ length: n }, (_, j) => (i === j ? 1 : 0))]);
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(m[i][k]) > Math.abs(m[p][k])) p = i;
    if (m[p][k] === 0) throw new Error(`invertMatrix: matrix is singular (zero pivot in column ${k})`);
    [m[p], m[k]] = [m[k], m[p]];
    const piv = m[k][k];
    for (let j = 0; j < 2 * n; j++) m[k][j] /= piv;
    for (let i = 0; i < n; i++) {
      if (i === k) continue;
      const f = m[i][k];
      if (f !== 0) for (let j = 0; j < 2 * n; j++) m[i][j] -= f * m[k][j];
    }
  }
  return m.map((r) => r.slice(n));
}

/** Q of a QR decomposition (modified Gram–Schmidt) of a square matrix: a random orthogonal matrix from a Gaussian one. */
export function orthonormalize(a: readonly (readonly number[])[]): number[][] {
  const n = a.length;
  const cols: number[][] = [];
  for (let j = 0; j < n; j++) {
    const v = a.map((r) => r[j]);
    for (const q of cols) {
      const d = v.reduce((s, x, i) => s + x * q[i], 0);
      for (let i = 0; i < n; i++) v[i] -= d * q[i];
    }
    const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
    cols.push(v.map((x) => x / norm));
  }
  return Array.from({ length: n }, (_, i) => cols.map((c) => c[i]));
}

/** Converts a flat row-major array to `number[][]`. */
export function toRows(flat: ArrayLike<number>, n: number, m = n): number[][] {
  return Array.from({ length: n }, (_, i) => Array.from({ length: m }, (_, j) => flat[i * m + j]));
}

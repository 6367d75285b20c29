/**
 * Exact minimum-cost assignment by the shortest-augmenting-path method of Jonker & Volgenant
 * (Computing 38, 1987: LAPJV): column reduction, reduction transfer and two rounds of
 * augmenting row reduction assign most rows cheaply, then Dijkstra-like augmentation finishes the
 * rest exactly. For an n × n cost matrix it returns the permutation σ minimising Σ_i C[i][σ(i)].
 * Pure JS on float64; dense n = 256 takes a few milliseconds.
 *
 * @param cost row-major n × n costs
 * @param n Size of the square cost matrix.
 *
 * @returns σ as an array: row i is matched to column σ[i]
 */
export function linearAssignment(cost: ArrayLike<number>, n: number): Int32Array {
  if (cost.length !== n * n) throw new Error(`cost has ${cost.length} entries; expected n² = ${n * n}`);
  for (let k = 0; k < cost.length; k++) {
    if (!Number.isFinite(cost[k]))
      throw new Error(`cost[${Math.floor(k / n)}][${k % n}] = ${cost[k]} is not finite`);
  }
  const rowsol = new Int32Array(n).fill(-1);
  const colsol = new Int32Array(n).fill(-1);
  const v = new Float64Array(n); // column prices (duals)
  const free = new Int32Array(n);
  let numfree = columnReduction(cost, n, rowsol, colsol, v, free);
  numfree = augmentingRowReduction(cost, n, rowsol, colsol, v, free, numfree);
  augment(cost, n, rowsol, colsol, v, free, numfree);
  return rowsol;
}

/** Column reduction and reduction transfer; returns the number of free rows (listed in `free`). */
function columnReduction(
  c: ArrayLike<number>,
  n: number,
  rowsol: Int32Array,
  colsol: Int32Array,
  v: Float64Array,
  free: Int32Array,
): number {
  const matches = new Int32Array(n);
  for (let j = n - 1; j >= 0; j--) {
    let min = c[j];
    let imin = 0;
    for (let i = 1; i < n; i++) {
      if (c[i * n + j] < min) {
        min = c[i * n + j];
        imin = i;
      }
    }
    v[j] = min;
    if (++matches[imin] === 1) {
      rowsol[imin] = j;
      colsol[j] = imin;
    } else if (v[j] < v[rowsol[imin]]) {
      const j1 = rowsol[imin];
      rowsol[imin] = j;
      colsol[j] = imin;
      colsol[j1] = -1;
    } else {
      colsol[j] = -1;
    }
  }
  let numfree = 0;
  for (let i = 0; i < n; i++) {
    if (matches[i] === 0) {
      free[numfree++] = i;
    } else if (matches[i] === 1) {
      const j1 = rowsol[i];
      let min = Number.POSITIVE_INFINITY;
      for (let j = 0; j < n; j++) if (j !== j1 && c[i * n + j] - v[j] < min) min = c[i * n + j] - v[j];
      if (Number.isFinite(min)) v[j1] -= min;
    }
  }
  return numfree;
}

/** Two rounds of augmenting row reduction (an auction-like pass); returns the rows still free. */
function augmentingRowReduction(
  c: ArrayLike<number>,
  n: number,
  rowsol: Int32Array,
  colsol: Int32Array,
  v: Float64Array,
  free: Int32Array,
  numfree0: number,
): number {
  let numfree = numfree0;
  for (let round = 0; round < 2; round++) {
    let k = 0;
    const prvnumfree = numfree;
    numfree = 0;
    // a bound on the re-queued rows of one round, so ties in floating point cannot cycle forever
    let budget = n >> 2;
    while (k < prvnumfree) {
      const i = free[k++];
      let umin = c[i * n] - v[0];
      let j1 = 0;
      let j2 = -1;
      let usubmin = Number.POSITIVE_INFINITY;
      for (let j = 1; j < n; j++) {
        const h = c[i * n + j] - v[j];
        if (h < usubmin) {
          if (h >= umin) {
            usubmin = h;
            j2 = j;
          } else {
            usubmin = umin;
            umin = h;
            j2 = j1;
            j1 = j;
          }
        }
      }
      let i0 = colsol[j1];
      if (umin < usubmin) {
        v[j1] -= usubmin - umin;
      } else if (i0 > -1 && j2 >= 0) {
        j1 = j2;
        i0 = colsol[j2];
      }
      rowsol[i] = j1;
      colsol[j1] = i;
      if (i0 > -1) {
        rowsol[i0] = -1;
        if (umin < usubmin && --budget > 0) free[--k] = i0;
        else free[numfree++] = i0;
      }
    }
  }
  return numfree;
}

/** Shortest augmenting paths (Dijkstra over reduced costs) for every free row. */
function augment(
  c: ArrayLike<number>,
  n: number,
  rowsol: Int32Array,
  colsol: Int32Array,
  v: Float64Array,
  free: Int32Array,
  numfree: number,
): void {
  const d = new Float64Array(n);
  const pred = new Int32Array(n);
  const collist = new Int32Array(n);
  for (let f = 0; f < numfree; f++) {
    const freerow = free[f];
    for (let j = 0; j < n; j++) {
      d[j] = c[freerow * n + j] - v[j];
      pred[j] = freerow;
      collist[j] = j;
    }
    let low = 0;
    let up = 0;
    let last = 0;
    let min = 0;
    let endofpath = -1;
    while (endofpath < 0) {
      if (up === low) {
        // the columns at the current minimum distance
        last = low - 1;
        min = d[collist[up++]];
        for (let k = up; k < n; k++) {
          const j = collist[k];
          const h = d[j];
          if (h <= min) {
            if (h < min) {
              up = low;
              min = h;
            }
            collist[k] = collist[up];
            collist[up++] = j;
          }
        }
        for (let k = low; k < up; k++) {
          if (colsol[collist[k]] < 0) {
            endofpath = collist[k];
            break;
          }
        }
      }
      if (endofpath < 0) {
        // scan a column at the minimum distance: relax through its row
        const j1 = collist[low++];
        const i = colsol[j1];
        const h = c[i * n + j1] - v[j1] - min;
        for (let k = up; k < n; k++) {
          const j = collist[k];
          const v2 = c[i * n + j] - v[j] - h;
          if (v2 < d[j]) {
            pred[j] = i;
            if (v2 === min) {
              if (colsol[j] < 0) {
                endofpath = j;
                break;
              }
              collist[k] = collist[up];
              collist[up++] = j;
            }
            d[j] = v2;
          }
        }
      }
    }
    // update the prices of the scanned columns
    for (let k = 0; k <= last; k++) {
      const j1 = collist[k];
      v[j1] += d[j1] - min;
    }
    // flip the assignments along the alternating path
    let i: number;
    do {
      i = pred[endofpath];
      colsol[endofpath] = i;
      const j1 = endofpath;
      endofpath = rowsol[i];
      rowsol[i] = j1;
    } while (i !== freerow);
  }
}

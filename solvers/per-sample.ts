import { type AcceptedStep, adaptiveSteps } from './adaptive.js';
import { counted } from './counted.js';
import { OdeOptionError } from './errors.js';
import { ADAPTIVE_METHODS } from './methods.js';
import type { ResolvedOptions } from './options.js';
import { runSync } from './reads.js';
import { type Tensor, tf } from './tf.js';
import type { AdaptiveMethodName, OdeFunc } from './types.js';

/**
 * Output times per batch row: a `[B, T]` array (or 2-D tensor). Row b lists the times at which
 * row b of the state is wanted; every row starts at the same time (that of y0) and is strictly
 * monotone in one common direction.
 */
export type PerSampleTimes = readonly (readonly number[])[] | tf.Tensor2D;

/**
 * True for `[B, T]` times (a 2-D array or a rank-2 tensor) rather than one shared list.
 *
 * @param ts Output times as passed to a solver.
 */
export function isPerSampleTimes(ts: unknown): ts is PerSampleTimes {
  if (ts instanceof tf.Tensor) return ts.rank === 2;
  return Array.isArray(ts) && ts.length > 0 && Array.isArray(ts[0]);
}

/** Reads and checks `[B, T]` times: rectangular, finite, one start time, strictly monotone rows. */
export function checkPerSampleTimes(ts: PerSampleTimes, batch: number, where: string): number[][] {
  const rows: number[][] =
    ts instanceof tf.Tensor
      ? (ts.arraySync() as number[][])
      : ts.map((r) => (Array.isArray(r) ? [...r] : Array.from(r)));
  if (rows.length !== batch) {
    throw new OdeOptionError(
      `${where}: per-sample ts has ${rows.length} rows, but y0 has batch size ${batch} (axis 0); give one row of times per batch row`,
    );
  }
  const T = rows[0].length;
  if (T < 2)
    throw new OdeOptionError(`${where}: each row of ts needs at least 2 times (start and end); got ${T}`);
  let dir = 0;
  for (let b = 0; b < rows.length; b++) {
    const r = rows[b];
    if (!Array.isArray(r) || r.length !== T) {
      throw new OdeOptionError(
        `${where}: ts must be rectangular [B, T]; row 0 has ${T} times, row ${b} has ${Array.isArray(r) ? r.length : String(r)}`,
      );
    }
    for (let j = 0; j < T; j++) {
      if (typeof r[j] !== 'number' || !Number.isFinite(r[j]))
        throw new OdeOptionError(`${where}: ts[${b}][${j}] = ${r[j]} is not a finite number`);
    }
    if (r[0] !== rows[0][0]) {
      throw new OdeOptionError(
        `${where}: every row of ts must start at the time of y0; ts[0][0] = ${rows[0][0]} but ts[${b}][0] = ${r[0]}`,
      );
    }
    const d = r[1] > r[0] ? 1 : -1;
    if (dir === 0) dir = d;
    for (let j = 1; j < T; j++) {
      if ((r[j] - r[j - 1]) * dir <= 0) {
        throw new OdeOptionError(
          `${where}: each row of ts must be strictly ${dir > 0 ? 'increasing' : 'decreasing'} (the direction of row 0): ` +
            `ts[${b}][${j - 1}] = ${r[j - 1]}, ts[${b}][${j}] = ${r[j]}`,
        );
      }
    }
  }
  return rows;
}

/** The sorted union of all rows' times (in the rows' direction) and each entry's index in it. */
export function unionTimes(rows: readonly (readonly number[])[]): { union: number[]; index: number[][] } {
  const dir = rows[0][1] > rows[0][0] ? 1 : -1;
  const union = [...new Set(rows.flat())].sort((a, b) => (a - b) * dir);
  const pos = new Map(union.map((t, i) => [t, i]));
  return { union, index: rows.map((r) => r.map((t) => pos.get(t) as number)) };
}

/**
 * Solves once over the union of the rows' times and lets each row gather its own: returns
 * `[T, B, ...]` with out[j, b] = y_b(ts[b][j]). `solve(union)` must return `[U, B, ...]`. The
 * gather is a batched product with a one-hot selection (differentiable, and on wasm cheaper than
 * `tf.gather`, whose gradient wasm lacks).
 */
export function solvePerSample(
  y0: Tensor,
  ts: PerSampleTimes,
  where: string,
  solve: (union: number[]) => Tensor,
): Tensor {
  if (y0.rank < 1)
    throw new OdeOptionError(`${where}: per-sample ts needs a batched y0 [B, ...]; got a scalar`);
  const B = y0.shape[0];
  const rows = checkPerSampleTimes(ts, B, where);
  const { union, index } = unionTimes(rows);
  const T = rows[0].length;
  const U = union.length;
  const sel = new Float32Array(B * T * U);
  for (let b = 0; b < B; b++) for (let j = 0; j < T; j++) sel[(b * T + j) * U + index[b][j]] = 1;
  const ys = solve(union);
  const out = tf.tidy(() => {
    const rest = y0.shape.slice(1);
    const R = rest.reduce((a, c) => a * c, 1);
    const byRow = tf.transpose(tf.reshape(ys, [U, B, R]), [1, 0, 2]); // [B, U, R]
    const picked = tf.matMul(tf.tensor3d(sel, [B, T, U]), byRow); // [B, T, R]
    return tf.reshape(tf.transpose(picked, [1, 0, 2]), [T, B, ...rest]);
  });
  ys.dispose();
  return out;
}

/**
 * The dense-output weights of one step at several θ: rows of W such that y(t0 + θh) = W·basis,
 * with basis = [y0, k_1, …] (polynomial) or [y0, y1, k_1, k_last] (cubic Hermite).
 */
function denseWeights(step: AcceptedStep, thetas: readonly number[]): { w: number[][]; basis: Tensor[] } {
  const { dense, h, y0, y1, ks } = step;
  if (dense.kind === 'polynomial') {
    const n = Math.min(dense.p.length, ks.length);
    const w = thetas.map((th) => [
      1,
      ...dense.p.slice(0, n).map((row) => {
        let acc = 0;
        let pow = th;
        for (const c of row) {
          acc += c * pow;
          pow *= th;
        }
        return h * acc;
      }),
    ]);
    return { w, basis: [y0, ...ks.slice(0, n)] };
  }
  const w = thetas.map((th) => {
    const h01 = -2 * th ** 3 + 3 * th ** 2;
    return [1 - h01, h01, h * (th ** 3 - 2 * th ** 2 + th), h * (th ** 3 - th ** 2)];
  });
  return { w, basis: [y0, y1, ks[0], ks[ks.length - 1]] };
}

/**
 * An adaptive solve with output at many times: like `solveIvp(...).ys` (`[U, ...y0.shape]`, the
 * same steps and the same dense output), but all outputs inside one step come from one matrix
 * product of the dense-output weights with the step's stages, instead of a few ops per output
 * time — what per-sample time points (a union of B·T times) need.
 */
export function solveDenseUnion(
  f: OdeFunc,
  y0: Tensor,
  union: readonly number[],
  o: ResolvedOptions,
): Tensor {
  const dir = union[union.length - 1] > union[0] ? 1 : -1;
  const parts: Tensor[] = [tf.expandDims(y0, 0)];
  let next = 1;
  const hook = (step: AcceptedStep): boolean => {
    const thetas: number[] = [];
    while (next < union.length && (union[next] - step.t1) * dir <= 0) {
      thetas.push(union[next] === step.t1 ? 1 : (union[next] - step.t0) / step.h);
      next++;
    }
    if (thetas.length > 0) {
      parts.push(
        tf.tidy(() => {
          const { w, basis } = denseWeights(step, thetas);
          const stacked = tf.reshape(tf.stack(basis), [basis.length, -1]);
          const out = tf.matMul(tf.tensor2d(w), stacked);
          return tf.reshape(out, [thetas.length, ...y0.shape]);
        }),
      );
    }
    return false;
  };
  try {
    const tab = ADAPTIVE_METHODS[o.method as AdaptiveMethodName];
    const { ys } = runSync(
      adaptiveSteps(counted(f, y0), tab, y0, [union[0], union[union.length - 1]], dir, o, undefined, hook),
    );
    for (const y of ys.slice(1)) y.dispose();
    return tf.concat(parts, 0);
  } finally {
    tf.dispose(parts);
  }
}

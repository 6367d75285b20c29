import { type Tensor, tf } from '../../solvers/tf.js';
import { Rng } from '../data/rng.js';
import { linearAssignment } from './assignment.js';
import { sinkhorn } from './sinkhorn.js';

/** How source and data points are paired in a minibatch. */
export type CouplingKind = 'independent' | 'exact' | 'sinkhorn';

/** Options of {@link couple}. */
export interface CouplingOptions {
  /** Entropic regularisation of the Sinkhorn coupling, relative to the mean cost. Default 0.05. */
  reg?: number;
  /** Seed of the Sinkhorn pair sampling. */
  seed?: number;
}

/** Largest batch for the exact (Hungarian) coupling; O(n³) time. */
export const MAX_EXACT_BATCH = 512;

/**
 * Squared Euclidean distances between the rows of a [n, D] and b [m, D], in float64 on the JS
 * side (the points are read back once; n·m·D flops are cheaper here than wasm kernel launches).
 */
function squaredDistances(a: Tensor, b: Tensor): Float64Array {
  const [n, d] = a.shape;
  const m = b.shape[0];
  const av = a.dataSync();
  const bv = b.dataSync();
  const out = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) {
        const diff = av[i * d + k] - bv[j * d + k];
        s += diff * diff;
      }
      out[i * m + j] = s;
    }
  }
  return out;
}

/**
 * Pairs a minibatch of source points x0 [n, D] with data points x1 [n, D]:
 * - `independent`: as drawn (I-CFM);
 * - `exact`: the permutation of x1 minimising Σ‖x0_i − x1_σ(i)‖² (minibatch OT, Hungarian), n ≤ 512;
 * - `sinkhorn`: n pairs drawn from the entropic OT plan (with replacement, as torchcfm does).
 * Returns new tensors [x0', x1'].
 *
 * @param x0 Source points `[n, D]`.
 * @param x1 Data points `[n, D]`.
 * @param kind `'independent'`, `'exact'` or `'sinkhorn'`.
 * @param options Sinkhorn regularisation and the seed of the plan draw.
 */
export function couple(
  x0: Tensor,
  x1: Tensor,
  kind: CouplingKind,
  options: CouplingOptions = {},
): [Tensor, Tensor] {
  const n = x0.shape[0];
  if (x1.shape[0] !== n) throw new Error(`coupling needs equal batch sizes; got ${n} and ${x1.shape[0]}`);
  if (kind === 'independent') return [tf.clone(x0), tf.clone(x1)];
  const cost = squaredDistances(x0, x1);
  if (kind === 'exact') {
    if (n > MAX_EXACT_BATCH) {
      throw new Error(
        `exact OT coupling supports batches up to ${MAX_EXACT_BATCH}; got ${n} (use 'sinkhorn')`,
      );
    }
    const sigma = linearAssignment(cost, n);
    return [tf.clone(x0), tf.gather(x1, tf.tensor1d(sigma, 'int32'))];
  }
  const { plan } = sinkhorn(cost, n, n, { reg: options.reg ?? 0.05 });
  const rng = new Rng(options.seed ?? 0);
  const cdf = new Float64Array(plan.length);
  let acc = 0;
  for (let k = 0; k < plan.length; k++) cdf[k] = acc += plan[k];
  const rows = new Int32Array(n);
  const cols = new Int32Array(n);
  for (let s = 0; s < n; s++) {
    const u = rng.uniform() * acc;
    let lo = 0;
    let hi = cdf.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid] < u) lo = mid + 1;
      else hi = mid;
    }
    rows[s] = Math.floor(lo / n);
    cols[s] = lo % n;
  }
  return tf.tidy(() => [
    tf.gather(x0, tf.tensor1d(rows, 'int32')),
    tf.gather(x1, tf.tensor1d(cols, 'int32')),
  ]);
}

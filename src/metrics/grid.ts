import { tf } from '../../solvers/tf.js';
import type { DensityModel } from '../model.js';

/** Options of {@link gridLogProb}. */
export interface GridOptions {
  /** Square `[lo, hi]` on both axes. Default [-4, 4]. */
  range?: readonly [number, number];
  /** Grid points per axis (cell centres). Default 100. */
  n?: number;
  /** Points per `logProb` call. Default 2000. */
  batch?: number;
  /** The context row of a conditional model, the same for every grid point (default: none). */
  context?: readonly number[];
}

/** A 2-D model's log-density on a grid of cell centres, and the grid's total mass. */
export interface GridDensity {
  /** Cell centres of one axis, length n (the same on both axes). */
  axis: number[];
  /** log p at (axis[i], axis[j]), stored at j·n + i (row j is one y value). */
  logp: Float32Array;
  /** Σ p · cell area: ≈ 1 when the grid covers the mass of a normalised density. */
  mass: number;
}

/**
 * Evaluates a 2-D model's `logProb` on an n × n grid of cell centres. The mass is the check that
 * a model's density integrates to 1 (every model here must pass it).
 *
 * @param model A density model of 2-D data.
 * @param options Grid range, points per axis, batch size and context; see {@link GridOptions}.
 */
export function gridLogProb(model: DensityModel, options: GridOptions = {}): GridDensity {
  if (model.dim !== 2) throw new Error(`gridLogProb needs a 2-D model, got dim ${model.dim}`);
  const [lo, hi] = options.range ?? [-4, 4];
  const n = options.n ?? 100;
  const batch = options.batch ?? 2000;
  const h = (hi - lo) / n;
  const axis = Array.from({ length: n }, (_, i) => lo + (i + 0.5) * h);
  const pts = new Float32Array(n * n * 2);
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) {
      pts[2 * (j * n + i)] = axis[i];
      pts[2 * (j * n + i) + 1] = axis[j];
    }
  }
  const logp = new Float32Array(n * n);
  for (let s = 0; s < n * n; s += batch) {
    const size = Math.min(batch, n * n - s);
    const ctx = options.context;
    const out = tf.tidy(() =>
      model.logProb(
        tf.tensor2d(pts.subarray(2 * s, 2 * (s + size)), [size, 2]),
        ctx ? tf.tile(tf.tensor2d([...ctx], [1, ctx.length]), [size, 1]) : undefined,
      ),
    );
    logp.set(out.dataSync(), s);
    out.dispose();
  }
  let mass = 0;
  for (const v of logp) mass += Math.exp(v) * h * h;
  return { axis, logp, mass };
}

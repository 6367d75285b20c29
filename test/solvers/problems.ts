/**
 * Classic non-stiff test problems, each with a tfjs right-hand side (state [D] or batched [B, D]),
 * a float64 right-hand side for odexSolve, and a closed form where one exists. Shared by the
 * solver tests and bench/solvers.ts.
 */
import { type Tensor, tf } from '../../solvers/tf.js';

export interface Problem {
  readonly name: string;
  readonly y0: readonly number[];
  readonly t0: number;
  readonly t1: number;
  /** Right-hand side on tensors; works on [D] and on batched [B, D] states (last axis = D). */
  readonly f: (t: number, y: Tensor) => Tensor;
  /** The same right-hand side in float64. */
  readonly f64: (t: number, y: number[]) => number[];
  /** The exact solution, where one is known. */
  readonly exact?: (t: number) => number[];
}

const cols = (y: Tensor): Tensor[] => tf.unstack(y, y.rank - 1);
const join = (parts: Tensor[]): Tensor => tf.stack(parts, parts[0].rank);

/** y' = -λ y with λ = (0.5, 1, 2), y(0) = (1, 1, 1), t ∈ [0, 5]. */
const RATES = [0.5, 1, 2];
export const decay: Problem = {
  name: 'decay',
  y0: [1, 1, 1],
  t0: 0,
  t1: 5,
  f: (_t, y) => tf.mul(y, tf.tensor1d(RATES.map((r) => -r))),
  f64: (_t, y) => y.map((v, i) => -RATES[i] * v),
  exact: (t) => RATES.map((r) => Math.exp(-r * t)),
};

/** Lotka–Volterra x' = 1.5x − xy, y' = −3y + xy, (x, y)(0) = (1, 1), t ∈ [0, 10] (about 2 cycles). */
export const lotkaVolterra: Problem = {
  name: 'lotka-volterra',
  y0: [1, 1],
  t0: 0,
  t1: 10,
  f: (_t, y) => {
    const [a, b] = cols(y);
    const ab = tf.mul(a, b);
    return join([tf.sub(tf.mul(a, 1.5), ab), tf.add(tf.mul(b, -3), ab)]);
  },
  f64: (_t, [a, b]) => [1.5 * a - a * b, -3 * b + a * b],
};

/** Van der Pol with μ = 1: x' = v, v' = (1 − x²)v − x, (x, v)(0) = (2, 0), t ∈ [0, 10]. */
export const vanDerPol: Problem = {
  name: 'van-der-pol',
  y0: [2, 0],
  t0: 0,
  t1: 10,
  f: (_t, y) => {
    const [x, v] = cols(y);
    return join([v, tf.sub(tf.mul(tf.sub(1, tf.square(x)), v), x)]);
  },
  f64: (_t, [x, v]) => [v, (1 - x * x) * v - x],
};

/** Kepler orbit with eccentricity e = 0.5, perihelion start, one period t ∈ [0, 2π]. */
const ECC = 0.5;
export const kepler: Problem = {
  name: 'kepler',
  y0: [1 - ECC, 0, 0, Math.sqrt((1 + ECC) / (1 - ECC))],
  t0: 0,
  t1: 2 * Math.PI,
  f: (_t, y) => {
    const [q1, q2, p1, p2] = cols(y);
    const r2 = tf.add(tf.square(q1), tf.square(q2));
    const minusInvR3 = tf.neg(tf.pow(r2, -1.5));
    return join([p1, p2, tf.mul(q1, minusInvR3), tf.mul(q2, minusInvR3)]);
  },
  f64: (_t, [q1, q2, p1, p2]) => {
    const r3 = (q1 * q1 + q2 * q2) ** 1.5;
    return [p1, p2, -q1 / r3, -q2 / r3];
  },
  exact: (t) => keplerExact(t),
};

/** The Kepler orbit in closed form: Kepler's equation M = E − e sin E solved by Newton. */
function keplerExact(t: number): number[] {
  const e = ECC;
  let E = t;
  for (let i = 0; i < 50; i++) E -= (E - e * Math.sin(E) - t) / (1 - e * Math.cos(E));
  const c = Math.cos(E);
  const s = Math.sin(E);
  const sq = Math.sqrt(1 - e * e);
  const denom = 1 - e * c;
  return [c - e, sq * s, -s / denom, (sq * c) / denom];
}

/** Arenstorf orbit (Hairer, Nørsett & Wanner I, II.0): restricted three-body problem, one period. */
const MU = 0.012277471;
export const arenstorf: Problem = {
  name: 'arenstorf',
  y0: [0.994, 0, 0, -2.0015851063790824],
  t0: 0,
  t1: 17.065216560157964,
  f: (_t, y) => {
    const [q1, q2, p1, p2] = cols(y);
    const q2sq = tf.square(q2);
    const d1 = tf.pow(tf.add(tf.square(tf.add(q1, MU)), q2sq), 1.5);
    const d2 = tf.pow(tf.add(tf.square(tf.sub(q1, 1 - MU)), q2sq), 1.5);
    const a1 = tf.div(1 - MU, d1);
    const a2 = tf.div(MU, d2);
    const dp1 = tf.sub(
      tf.add(q1, tf.mul(p2, 2)),
      tf.add(tf.mul(tf.add(q1, MU), a1), tf.mul(tf.sub(q1, 1 - MU), a2)),
    );
    const dp2 = tf.sub(tf.sub(q2, tf.mul(p1, 2)), tf.mul(q2, tf.add(a1, a2)));
    return join([p1, p2, dp1, dp2]);
  },
  f64: (_t, [q1, q2, p1, p2]) => {
    const d1 = ((q1 + MU) ** 2 + q2 ** 2) ** 1.5;
    const d2 = ((q1 - 1 + MU) ** 2 + q2 ** 2) ** 1.5;
    return [
      p1,
      p2,
      q1 + 2 * p2 - ((1 - MU) * (q1 + MU)) / d1 - (MU * (q1 - 1 + MU)) / d2,
      q2 - 2 * p1 - ((1 - MU) * q2) / d1 - (MU * q2) / d2,
    ];
  },
};

/** The four problems issue 3 names for the accuracy tests. */
export const CLASSIC: readonly Problem[] = [decay, lotkaVolterra, vanDerPol, kepler];

/** Evenly spaced times from t0 to t1 (n of them, both ends included). */
export function linspace(t0: number, t1: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => (i === n - 1 ? t1 : t0 + ((t1 - t0) * i) / (n - 1)));
}

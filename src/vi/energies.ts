import { type Tensor, tf } from '../../solvers/tf.js';

/** Names of the four 2-D target energies of Rezende & Mohamed (2015), Table 1. */
export type EnergyName = 'u1' | 'u2' | 'u3' | 'u4';

/** The energy names, in the paper's order. */
export const ENERGY_NAMES: readonly EnergyName[] = ['u1', 'u2', 'u3', 'u4'];

/** A 2-D unnormalised target density p̃(z) = exp(−U(z)). */
export interface Energy {
  /** The energy's name. */
  readonly name: EnergyName;
  /** The formula, for figures and tables. */
  readonly formula: string;
  /**
   * U(z) for z `[B, 2]` → `[B]` (tfjs ops, differentiable).
   *
   * @param z Points `[B, 2]`.
   */
  readonly U: (z: Tensor) => Tensor;
  /** A square `[lo, hi]` on both axes that holds all but a negligible part of the mass (log Z grid, plots). */
  readonly range: readonly [number, number];
}

/** Half-width of the window the paper plots, [−4, 4]², where U2–U4 are confined (see {@link ENERGIES}). */
export const WINDOW = 4;
/** Width of the quadratic wall that confines U2–U4 outside |z1| ≤ {@link WINDOW}. */
export const WALL_WIDTH = 0.2;

const col = (z: Tensor, i: number): Tensor => tf.reshape(tf.slice(z, [0, i], [-1, 1]), [-1]);
/** ½·(a/s)². */
const half2 = (a: Tensor, s: number): Tensor => tf.mul(tf.square(tf.div(a, s)), 0.5);
/** −log(e^{−a} + e^{−b}) for a, b `[B]`. */
const negLogAddExpNeg = (a: Tensor, b: Tensor): Tensor =>
  tf.neg(tf.logSumExp(tf.stack([tf.neg(a), tf.neg(b)], 1), 1));

const w1 = (z1: Tensor): Tensor => tf.sin(tf.mul(z1, (2 * Math.PI) / 4));
const w2 = (z1: Tensor): Tensor => tf.mul(tf.exp(tf.neg(half2(tf.sub(z1, 1), 0.6))), 3);
const w3 = (z1: Tensor): Tensor => tf.mul(tf.sigmoid(tf.div(tf.sub(z1, 1), 0.3)), 3);

/**
 * The confinement ½·(max(|z1| − 4, 0)/0.2)²: zero inside the paper's window, a steep quadratic wall
 * outside. U2–U4 as printed do not decay along z1 (exp(−U) has the same mass on every vertical
 * line), so they are not normalisable on R² and the reverse KL to them is unbounded below; the
 * wall makes them proper without changing them inside [−4, 4]².
 *
 * @param z1 First coordinates z1.
 */
export function wall(z1: Tensor): Tensor {
  return tf.tidy(() => half2(tf.relu(tf.sub(tf.abs(z1), WINDOW)), WALL_WIDTH));
}

/**
 * The four energies of Rezende & Mohamed (2015), Table 1, with w1(z) = sin(2πz1/4),
 * w2(z) = 3·exp(−½((z1 − 1)/0.6)²), w3(z) = 3·σ((z1 − 1)/0.3):
 * - U1 = ½((‖z‖ − 2)/0.4)² − log(e^{−½((z1−2)/0.6)²} + e^{−½((z1+2)/0.6)²})
 * - U2 = ½((z2 − w1)/0.4)²
 * - U3 = −log(e^{−½((z2−w1)/0.35)²} + e^{−½((z2−w1+w2)/0.35)²})
 * - U4 = −log(e^{−½((z2−w1)/0.4)²} + e^{−½((z2−w1+w3)/0.35)²})
 * U2–U4 add {@link wall} (zero inside [−4, 4]²), which makes them normalisable.
 */
export const ENERGIES: Readonly<Record<EnergyName, Energy>> = {
  u1: {
    name: 'u1',
    formula: '½((‖z‖−2)/0.4)² − log(e^{−½((z1−2)/0.6)²} + e^{−½((z1+2)/0.6)²})',
    range: [-4, 4],
    U: (z) =>
      tf.tidy(() => {
        const z1 = col(z, 0);
        const r = tf.sqrt(tf.add(tf.sum(tf.square(z), 1), 1e-12));
        return tf.add(
          half2(tf.sub(r, 2), 0.4),
          negLogAddExpNeg(half2(tf.sub(z1, 2), 0.6), half2(tf.add(z1, 2), 0.6)),
        );
      }),
  },
  u2: {
    name: 'u2',
    formula: '½((z2 − w1(z))/0.4)²  (+ wall outside |z1| ≤ 4)',
    range: [-6, 6],
    U: (z) =>
      tf.tidy(() => {
        const z1 = col(z, 0);
        return tf.add(half2(tf.sub(col(z, 1), w1(z1)), 0.4), wall(z1));
      }),
  },
  u3: {
    name: 'u3',
    formula: '−log(e^{−½((z2−w1)/0.35)²} + e^{−½((z2−w1+w2)/0.35)²})  (+ wall)',
    range: [-6, 6],
    U: (z) =>
      tf.tidy(() => {
        const z1 = col(z, 0);
        const d = tf.sub(col(z, 1), w1(z1));
        return tf.add(negLogAddExpNeg(half2(d, 0.35), half2(tf.add(d, w2(z1)), 0.35)), wall(z1));
      }),
  },
  u4: {
    name: 'u4',
    formula: '−log(e^{−½((z2−w1)/0.4)²} + e^{−½((z2−w1+w3)/0.35)²})  (+ wall)',
    range: [-6, 6],
    U: (z) =>
      tf.tidy(() => {
        const z1 = col(z, 0);
        const d = tf.sub(col(z, 1), w1(z1));
        return tf.add(negLogAddExpNeg(half2(d, 0.4), half2(tf.add(d, w3(z1)), 0.35)), wall(z1));
      }),
  },
};

/**
 * The energy called `name`; anything else is an error listing the names.
 *
 * @param name An energy name: `u1` … `u4`.
 */
export function energy(name: string): Energy {
  const e = (ENERGIES as Record<string, Energy | undefined>)[name.toLowerCase()];
  if (!e) throw new Error(`energy '${name}' is unknown; expected one of ${ENERGY_NAMES.join(', ')}`);
  return e;
}

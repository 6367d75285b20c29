import type { Rng } from './rng.js';

/** One toy 2-D density: how to draw from it and where its mass lies. */
export interface ToySpec {
  /** One-line description (shown by the CLI). */
  readonly description: string;
  /** A square `[lo, hi]` on both axes that holds practically all the mass (FFJORD plots [-4, 4]). */
  readonly range: readonly [number, number];
  /**
   * Draws `n` points into a row-major `[n, 2]` array.
   *
   * @param rng The random stream to draw from.
   * @param n Number of points.
   */
  readonly draw: (rng: Rng, n: number) => Float32Array;
}

const TAU = 2 * Math.PI;

/** `linspace(0, stop, count, endpoint)` as numpy defines it. */
function linspace(stop: number, count: number, endpoint: boolean): number[] {
  const div = endpoint ? count - 1 : count;
  return Array.from({ length: count }, (_, i) => (div > 0 ? (stop * i) / div : 0));
}

function addNoise(rng: Rng, out: Float32Array, std: number): void {
  for (let i = 0; i < out.length; i++) out[i] += std * rng.normal();
}

const S = Math.SQRT1_2;
/** FFJORD divides 8gaussians by the literal 1.414 (not √2); kept for identical scales. */
const FFJORD_8G_DIVISOR = 1414 / 1000;
const EIGHT_CENTERS: readonly (readonly [number, number])[] = [
  [1, 0],
  [-1, 0],
  [0, 1],
  [0, -1],
  [S, S],
  [S, -S],
  [-S, S],
  [-S, -S],
];

/**
 * The toy densities of FFJORD's `lib/toy_data.py` (Grathwohl et al. 2019), same definitions and
 * scales. Where FFJORD calls scikit-learn (moons, circles, swissroll) the scikit-learn recipe is
 * reproduced, points in a shuffled order. Where FFJORD returns fewer than `n` points (pinwheel
 * with n not a multiple of 5) the classes are balanced as evenly as possible so exactly `n` come back.
 */
export const TOY_SPECS = {
  /** The `8gaussians` toy density. */
  '8gaussians': {
    /** One-line description (shown by the CLI). */
    description: 'eight Gaussians (std 0.5/1.414) on a circle of radius 4/1.414',
    /** Square `[lo, hi]` on both axes that holds practically all the mass. */
    range: [-4, 4],
    /**
     * n points, `[n·2]` interleaved x, y.
     *
     * @param rng The random stream to draw from.
     * @param n Number of points.
     */
    draw(rng, n) {
      const out = new Float32Array(n * 2);
      for (let i = 0; i < n; i++) {
        const px = rng.normal() * 0.5;
        const py = rng.normal() * 0.5;
        const [cx, cy] = EIGHT_CENTERS[rng.int(8)];
        out[2 * i] = (px + 4 * cx) / FFJORD_8G_DIVISOR;
        out[2 * i + 1] = (py + 4 * cy) / FFJORD_8G_DIVISOR;
      }
      return out;
    },
  },
  /** The `2spirals` toy density. */
  '2spirals': {
    /** One-line description (shown by the CLI). */
    description: 'two interleaved spiral arms (1.5 turns), noise 0.1',
    /** Square `[lo, hi]` on both axes that holds practically all the mass. */
    range: [-4, 4],
    /**
     * n points, `[n·2]` interleaved x, y.
     *
     * @param rng The random stream to draw from.
     * @param n Number of points.
     */
    draw(rng, n) {
      const out = new Float32Array(n * 2);
      const half = Math.ceil(n / 2);
      for (let i = 0; i < n; i++) {
        const r = (Math.sqrt(rng.uniform()) * 540 * TAU) / 360;
        const x = -Math.cos(r) * r + rng.uniform() * 0.5;
        const y = Math.sin(r) * r + rng.uniform() * 0.5;
        const sign = i < half ? 1 : -1;
        out[2 * i] = (sign * x) / 3;
        out[2 * i + 1] = (sign * y) / 3;
      }
      addNoise(rng, out, 0.1);
      rng.shuffleRows(out, 2);
      return out;
    },
  },
  /** The `checkerboard` toy density. */
  checkerboard: {
    /** One-line description (shown by the CLI). */
    description: 'uniform on the dark squares of a 4x4 board of side 2 covering [-4, 4]^2',
    /** Square `[lo, hi]` on both axes that holds practically all the mass. */
    range: [-4, 4],
    /**
     * n points, `[n·2]` interleaved x, y.
     *
     * @param rng The random stream to draw from.
     * @param n Number of points.
     */
    draw(rng, n) {
      const out = new Float32Array(n * 2);
      for (let i = 0; i < n; i++) {
        const x1 = rng.uniform() * 4 - 2;
        const x2 = rng.uniform() - rng.int(2) * 2 + (((Math.floor(x1) % 2) + 2) % 2);
        out[2 * i] = x1 * 2;
        out[2 * i + 1] = x2 * 2;
      }
      return out;
    },
  },
  /** The `moons` toy density. */
  moons: {
    /** One-line description (shown by the CLI). */
    description: "scikit-learn's two moons (noise 0.1), scaled by 2 and shifted by (-1, -0.2)",
    /** Square `[lo, hi]` on both axes that holds practically all the mass. */
    range: [-4, 4],
    /**
     * n points, `[n·2]` interleaved x, y.
     *
     * @param rng The random stream to draw from.
     * @param n Number of points.
     */
    draw(rng, n) {
      const out = new Float32Array(n * 2);
      const nOut = Math.floor(n / 2);
      const outer = linspace(Math.PI, nOut, true);
      const inner = linspace(Math.PI, n - nOut, true);
      outer.forEach((a, i) => {
        out[2 * i] = Math.cos(a);
        out[2 * i + 1] = Math.sin(a);
      });
      inner.forEach((a, j) => {
        const i = nOut + j;
        out[2 * i] = 1 - Math.cos(a);
        out[2 * i + 1] = 1 - Math.sin(a) - 0.5;
      });
      addNoise(rng, out, 0.1);
      for (let i = 0; i < n; i++) {
        out[2 * i] = out[2 * i] * 2 - 1;
        out[2 * i + 1] = out[2 * i + 1] * 2 - 0.2;
      }
      rng.shuffleRows(out, 2);
      return out;
    },
  },
  /** The `circles` toy density. */
  circles: {
    /** One-line description (shown by the CLI). */
    description: "scikit-learn's two circles (radius 1 and 0.5, noise 0.08), scaled by 3",
    /** Square `[lo, hi]` on both axes that holds practically all the mass. */
    range: [-4, 4],
    /**
     * n points, `[n·2]` interleaved x, y.
     *
     * @param rng The random stream to draw from.
     * @param n Number of points.
     */
    draw(rng, n) {
      const out = new Float32Array(n * 2);
      const nOut = Math.floor(n / 2);
      const rings: [number, number][] = [
        [nOut, 1],
        [n - nOut, 0.5],
      ];
      let i = 0;
      for (const [count, radius] of rings) {
        for (const a of linspace(TAU, count, false)) {
          out[2 * i] = radius * Math.cos(a);
          out[2 * i + 1] = radius * Math.sin(a);
          i++;
        }
      }
      addNoise(rng, out, 0.08);
      for (let k = 0; k < out.length; k++) out[k] *= 3;
      rng.shuffleRows(out, 2);
      return out;
    },
  },
  /** The `pinwheel` toy density. */
  pinwheel: {
    /** One-line description (shown by the CLI). */
    description: 'five curved arms (radial std 0.3, tangential std 0.1, rate 0.25), scaled by 2',
    /** Square `[lo, hi]` on both axes that holds practically all the mass. */
    range: [-4, 4],
    /**
     * n points, `[n·2]` interleaved x, y.
     *
     * @param rng The random stream to draw from.
     * @param n Number of points.
     */
    draw(rng, n) {
      const out = new Float32Array(n * 2);
      for (let i = 0; i < n; i++) {
        const label = Math.floor((i * 5) / n);
        const f0 = rng.normal() * 0.3 + 1;
        const f1 = rng.normal() * 0.1;
        const angle = (label * TAU) / 5 + 0.25 * Math.exp(f0);
        const c = Math.cos(angle);
        const s = Math.sin(angle);
        // features · [[c, -s], [s, c]]
        out[2 * i] = 2 * (f0 * c + f1 * s);
        out[2 * i + 1] = 2 * (-f0 * s + f1 * c);
      }
      rng.shuffleRows(out, 2);
      return out;
    },
  },
  /** The `swissroll` toy density. */
  swissroll: {
    /** One-line description (shown by the CLI). */
    description: "scikit-learn's swiss roll (noise 1.0), coordinates (x, z) divided by 5",
    /** Square `[lo, hi]` on both axes that holds practically all the mass. */
    range: [-4, 4],
    /**
     * n points, `[n·2]` interleaved x, y.
     *
     * @param rng The random stream to draw from.
     * @param n Number of points.
     */
    draw(rng, n) {
      const out = new Float32Array(n * 2);
      for (let i = 0; i < n; i++) {
        const t = 1.5 * Math.PI * (1 + 2 * rng.uniform());
        rng.uniform(); // the height coordinate, dropped as FFJORD drops it
        out[2 * i] = (t * Math.cos(t) + rng.normal()) / 5;
        rng.normal(); // the height's noise
        out[2 * i + 1] = (t * Math.sin(t) + rng.normal()) / 5;
      }
      return out;
    },
  },
  /** The `rings` toy density. */
  rings: {
    /** One-line description (shown by the CLI). */
    description: 'four concentric rings (radius 3, 2.25, 1.5, 0.75), noise 0.08',
    /** Square `[lo, hi]` on both axes that holds practically all the mass. */
    range: [-4, 4],
    /**
     * n points, `[n·2]` interleaved x, y.
     *
     * @param rng The random stream to draw from.
     * @param n Number of points.
     */
    draw(rng, n) {
      const out = new Float32Array(n * 2);
      const q = Math.floor(n / 4);
      const rings: [number, number][] = [
        [q, 1],
        [q, 0.75],
        [q, 0.5],
        [n - 3 * q, 0.25],
      ];
      let i = 0;
      for (const [count, radius] of rings) {
        for (const a of linspace(TAU, count, false)) {
          out[2 * i] = 3 * radius * Math.cos(a);
          out[2 * i + 1] = 3 * radius * Math.sin(a);
          i++;
        }
      }
      rng.shuffleRows(out, 2);
      addNoise(rng, out, 0.08);
      return out;
    },
  },
} as const satisfies Record<string, ToySpec>;

/** Names of the toy densities. */
export type ToyName = keyof typeof TOY_SPECS;

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
  /** The density, where the generating process gives it in closed form or by 1-D quadrature (see toy-entropy.ts). */
  readonly density?: ToyDensitySpec;
}

/** A curve-plus-noise component: x = γ(u) + σ·ε, u ~ U(0, 1), ε ~ N(0, I), with weight `w`. */
export interface CurveComponent {
  /** Mixture weight. */
  readonly w: number;
  /** Noise standard deviation σ. */
  readonly sigma: number;
  /**
   * The curve γ(u), u ∈ [0, 1] (a constant for a point mass).
   *
   * @param u Curve parameter in [0, 1].
   */
  readonly curve: (u: number) => readonly [number, number];
  /** Curve length (sets the number of quadrature nodes; 0 for a point). */
  readonly length: number;
}

/** A ring: radius R, uniform angle, noise σ, weight w. */
export interface Ring {
  /** Mixture weight. */
  readonly w: number;
  /** Radius. */
  readonly R: number;
  /** Noise standard deviation σ. */
  readonly sigma: number;
}

/**
 * How a toy density is known: a mixture of curves plus Gaussian noise (plotted on [−half, half]²),
 * noisy rings (radially symmetric), or the checkerboard (uniform on 8 squares of area 4).
 */
export type ToyDensitySpec = CurvesDensity | RingsDensity | CheckerboardDensity;

/** A mixture of curves plus isotropic Gaussian noise. */
export interface CurvesDensity {
  /** Which form. */
  readonly kind: 'curves';
  /** The mixture's components. */
  readonly components: readonly CurveComponent[];
  /** The entropy grid covers [−half, half]² (padded by 6σ). */
  readonly half: number;
}

/** Noisy rings, radially symmetric. */
export interface RingsDensity {
  /** Which form. */
  readonly kind: 'rings';
  /** The rings. */
  readonly rings: readonly Ring[];
}

/** Uniform on the 8 dark squares of side 2 in [−4, 4]². */
export interface CheckerboardDensity {
  /** Which form. */
  readonly kind: 'checkerboard';
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

/** A density of the curves form, typed as such. */
const curvesDensity = (d: CurvesDensity): CurvesDensity => d;
/** A density of the rings form, typed as such. */
const ringsDensity = (d: RingsDensity): RingsDensity => d;
/** The checkerboard's density. */
const checkerboard: CheckerboardDensity = { kind: 'checkerboard' };

/** 8gaussians: component std before FFJORD's division. */
const EIGHT_STD = 0.5;
/** moons: scikit-learn's noise, then FFJORD's scale 2 and shift (−1, −0.2). */
const MOONS_NOISE = 0.1;
const MOONS_SCALE = 2;
/** circles: radii 1 and 0.5, scikit-learn's noise 0.08, then scaled by 3. */
const CIRCLES_RADII = [1, 0.5] as const;
const CIRCLES_NOISE = 0.08;
const CIRCLES_SCALE = 3;
/** swissroll: scikit-learn's noise 1.0, coordinates divided by 5. */
const SWISS_NOISE = 1;
const SWISS_DIVISOR = 5;
/** rings: four radii (×3) with equal shares, noise 0.08 added after scaling. */
const RINGS_RADII = [1, 0.75, 0.5, 0.25] as const;
const RINGS_SCALE = 3;
const RINGS_NOISE = 0.08;

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
        const px = rng.normal() * EIGHT_STD;
        const py = rng.normal() * EIGHT_STD;
        const [cx, cy] = EIGHT_CENTERS[rng.int(8)];
        out[2 * i] = (px + 4 * cx) / FFJORD_8G_DIVISOR;
        out[2 * i + 1] = (py + 4 * cy) / FFJORD_8G_DIVISOR;
      }
      return out;
    },
    /** A mixture of 8 isotropic Gaussians: closed form. */
    density: curvesDensity({
      kind: 'curves',
      half: 4,
      components: EIGHT_CENTERS.map(([cx, cy]) => ({
        w: 1 / 8,
        sigma: EIGHT_STD / FFJORD_8G_DIVISOR,
        curve: () => [(4 * cx) / FFJORD_8G_DIVISOR, (4 * cy) / FFJORD_8G_DIVISOR] as const,
        length: 0,
      })),
    }),
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
    /** Uniform on 8 squares of side 2 (area 32). */
    density: checkerboard,
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
      addNoise(rng, out, MOONS_NOISE);
      for (let i = 0; i < n; i++) {
        out[2 * i] = out[2 * i] * MOONS_SCALE - 1;
        out[2 * i + 1] = out[2 * i + 1] * MOONS_SCALE - 0.2;
      }
      rng.shuffleRows(out, 2);
      return out;
    },
    /** Two half circles (uniform angle) plus noise, the sampler's maps applied to the curves. */
    density: curvesDensity({
      kind: 'curves',
      half: 4,
      components: [
        {
          w: 0.5,
          sigma: MOONS_NOISE * MOONS_SCALE,
          curve: (u) =>
            [MOONS_SCALE * Math.cos(Math.PI * u) - 1, MOONS_SCALE * Math.sin(Math.PI * u) - 0.2] as const,
          length: MOONS_SCALE * Math.PI,
        },
        {
          w: 0.5,
          sigma: MOONS_NOISE * MOONS_SCALE,
          curve: (u) =>
            [
              MOONS_SCALE * (1 - Math.cos(Math.PI * u)) - 1,
              MOONS_SCALE * (0.5 - Math.sin(Math.PI * u)) - 0.2,
            ] as const,
          length: MOONS_SCALE * Math.PI,
        },
      ],
    }),
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
        [nOut, CIRCLES_RADII[0]],
        [n - nOut, CIRCLES_RADII[1]],
      ];
      let i = 0;
      for (const [count, radius] of rings) {
        for (const a of linspace(TAU, count, false)) {
          out[2 * i] = radius * Math.cos(a);
          out[2 * i + 1] = radius * Math.sin(a);
          i++;
        }
      }
      addNoise(rng, out, CIRCLES_NOISE);
      for (let k = 0; k < out.length; k++) out[k] *= CIRCLES_SCALE;
      rng.shuffleRows(out, 2);
      return out;
    },
    /** Two noisy circles, half the points each. */
    density: ringsDensity({
      kind: 'rings',
      rings: CIRCLES_RADII.map((r) => ({
        w: 0.5,
        R: CIRCLES_SCALE * r,
        sigma: CIRCLES_SCALE * CIRCLES_NOISE,
      })),
    }),
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
        out[2 * i] = (t * Math.cos(t) + SWISS_NOISE * rng.normal()) / SWISS_DIVISOR;
        rng.normal(); // the height's noise
        out[2 * i + 1] = (t * Math.sin(t) + SWISS_NOISE * rng.normal()) / SWISS_DIVISOR;
      }
      return out;
    },
    /** A point uniform in u along t = 1.5π(1 + 2u), plus noise. */
    density: curvesDensity({
      kind: 'curves',
      half: 4,
      components: [
        {
          w: 1,
          sigma: SWISS_NOISE / SWISS_DIVISOR,
          curve: (u) => {
            const t = 1.5 * Math.PI * (1 + 2 * u);
            return [(t * Math.cos(t)) / SWISS_DIVISOR, (t * Math.sin(t)) / SWISS_DIVISOR] as const;
          },
          // ∫ |γ'(t)| dt / 5 ≤ ∫ (t + 1) dt / 5 over t ∈ [1.5π, 4.5π]
          length: ((4.5 * Math.PI) ** 2 - (1.5 * Math.PI) ** 2 + 6 * Math.PI) / (2 * SWISS_DIVISOR),
        },
      ],
    }),
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
      const counts = [q, q, q, n - 3 * q];
      let i = 0;
      RINGS_RADII.forEach((radius, k) => {
        for (const a of linspace(TAU, counts[k], false)) {
          out[2 * i] = RINGS_SCALE * radius * Math.cos(a);
          out[2 * i + 1] = RINGS_SCALE * radius * Math.sin(a);
          i++;
        }
      });
      rng.shuffleRows(out, 2);
      addNoise(rng, out, RINGS_NOISE);
      return out;
    },
    /** Four noisy rings, a quarter of the points each. */
    density: ringsDensity({
      kind: 'rings',
      rings: RINGS_RADII.map((r) => ({ w: 0.25, R: RINGS_SCALE * r, sigma: RINGS_NOISE })),
    }),
  },
} as const satisfies Record<string, ToySpec>;

/** Names of the toy densities. */
export type ToyName = keyof typeof TOY_SPECS;

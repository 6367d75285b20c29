/**
 * Closed-form (or one-dimensional-quadrature) densities of the toy data sets whose generating
 * process allows it, and their differential entropies H = −∫ p log p, computed by a fine grid
 * integral. The entropy is the best held-out NLL any model can reach (in expectation), so the
 * report draws it as a reference line.
 *
 * How each density is known (the generators are in `toy-specs.ts`):
 * - `8gaussians`: a mixture of 8 isotropic Gaussians (std 0.5/1.414) — closed form.
 * - `checkerboard`: uniform on 8 squares of side 2 (area 32) — p = 1/32 there, H = log 32.
 * - `moons`, `swissroll`: a point drawn uniformly along a curve γ(u), plus isotropic Gaussian
 *   noise: p(x) = ∫₀¹ N(x; γ(u), σ²I) du, by the midpoint rule with node spacing ≤ σ/8 along the
 *   curve (moons: σ = 0.2, two half circles; swissroll: σ = 0.2, t = 1.5π(1 + 2u)).
 * - `circles`, `rings`: uniform angle on circles plus Gaussian noise; radially symmetric, so
 *   p(ρ) = Σ w/(2πσ²) exp(−(ρ − R)²/2σ²) · e^{−ρR/σ²} I₀(ρR/σ²), with the scaled Bessel
 *   function by the trapezoid rule on its integral representation.
 * - `2spirals` (uniform jitter before scaling) and `pinwheel` (a non-linear warp of a Gaussian):
 *   no density here; {@link toyEntropy} returns undefined.
 *
 * The entropy integral: 2-D densities on a grid of cell size ≤ σ/6 over their plot range padded
 * by 6σ (midpoint rule); radial ones as H = −∫ 2πρ p log p dρ on ρ ∈ [0, R_max + 8σ] with step
 * σ/20. The tests check each density against samples of its generator (−mean log p over fresh
 * samples agrees with the grid entropy within Monte Carlo error) and that it integrates to one.
 */
import type { ToyName } from './toy-specs.js';

/** A curve-plus-noise component: x = γ(u) + σ·ε, u ~ U(0, 1), ε ~ N(0, I), with weight `w`. */
interface CurveComponent {
  w: number;
  sigma: number;
  curve: (u: number) => readonly [number, number];
  /** Curve length (sets the number of quadrature nodes). */
  length: number;
}

/** A ring: radius R, uniform angle, noise σ, weight w. */
interface Ring {
  w: number;
  R: number;
  sigma: number;
}

type ToyDensitySpec =
  | { kind: 'curves'; components: CurveComponent[]; half: number }
  | { kind: 'rings'; rings: Ring[] }
  | { kind: 'checkerboard' };

const D8 = 1414 / 1000;
const S = Math.SQRT1_2;
const CENTERS: [number, number][] = [
  [1, 0],
  [-1, 0],
  [0, 1],
  [0, -1],
  [S, S],
  [S, -S],
  [-S, S],
  [-S, -S],
];

const SPECS: Partial<Record<ToyName, ToyDensitySpec>> = {
  '8gaussians': {
    kind: 'curves',
    half: 4,
    components: CENTERS.map(([cx, cy]) => ({
      w: 1 / 8,
      sigma: 0.5 / D8,
      curve: () => [(4 * cx) / D8, (4 * cy) / D8] as const,
      length: 0,
    })),
  },
  checkerboard: { kind: 'checkerboard' },
  moons: {
    kind: 'curves',
    half: 4,
    components: [
      {
        w: 0.5,
        sigma: 0.2,
        curve: (u) => [2 * Math.cos(Math.PI * u) - 1, 2 * Math.sin(Math.PI * u) - 0.2] as const,
        length: 2 * Math.PI,
      },
      {
        w: 0.5,
        sigma: 0.2,
        curve: (u) => [1 - 2 * Math.cos(Math.PI * u), 0.8 - 2 * Math.sin(Math.PI * u)] as const,
        length: 2 * Math.PI,
      },
    ],
  },
  swissroll: {
    kind: 'curves',
    half: 4,
    components: [
      {
        w: 1,
        sigma: 0.2,
        curve: (u) => {
          const t = 1.5 * Math.PI * (1 + 2 * u);
          return [(t * Math.cos(t)) / 5, (t * Math.sin(t)) / 5] as const;
        },
        // ∫ |γ'(t)| dt / 5 ≤ ∫ (t + 1) dt / 5 over t ∈ [1.5π, 4.5π]
        length: ((4.5 * Math.PI) ** 2 - (1.5 * Math.PI) ** 2 + 6 * Math.PI) / 10,
      },
    ],
  },
  circles: {
    kind: 'rings',
    rings: [
      { w: 0.5, R: 3, sigma: 0.24 },
      { w: 0.5, R: 1.5, sigma: 0.24 },
    ],
  },
  rings: {
    kind: 'rings',
    rings: [3, 2.25, 1.5, 0.75].map((R) => ({ w: 0.25, R, sigma: 0.08 })),
  },
};

const TWO_PI = 2 * Math.PI;

/**
 * e^{−z}·I₀(z) for z ≥ 0, from I₀(z) = (1/π)∫₀^π e^{z cos θ} dθ (trapezoid rule, exact to ~1e-12).
 *
 * @param z Argument, ≥ 0.
 */
export function besselI0Scaled(z: number): number {
  if (z > 60) {
    // asymptotic series (Abramowitz & Stegun 9.7.1); the next term is < 1e-9 here
    const r = 1 / (8 * z);
    return (1 + r + (9 / 2) * r * r + (225 / 6) * r * r * r) / Math.sqrt(2 * Math.PI * z);
  }
  // the integrand e^{z(cos θ − 1)} has width ~1/√z around θ = 0: enough nodes to resolve it
  const n = Math.max(64, Math.ceil(16 * Math.sqrt(z)) * 8);
  let s = 0.5 * (1 + Math.exp(-2 * z));
  for (let k = 1; k < n; k++) s += Math.exp(z * (Math.cos((Math.PI * k) / n) - 1));
  return s / n;
}

function ringDensity(rings: readonly Ring[], rho: number): number {
  let p = 0;
  for (const { w, R, sigma } of rings) {
    const s2 = sigma * sigma;
    p += (w / (TWO_PI * s2)) * Math.exp(-((rho - R) ** 2) / (2 * s2)) * besselI0Scaled((rho * R) / s2);
  }
  return p;
}

function curveNodes(c: CurveComponent): [number, number][] {
  const n = Math.max(1, Math.ceil((8 * c.length) / c.sigma));
  return Array.from({ length: n }, (_, k) => [...c.curve((k + 0.5) / n)] as [number, number]);
}

/**
 * A density p(x, y) on the plane.
 *
 * @param x First coordinate.
 * @param y Second coordinate.
 */
type PointDensity = (x: number, y: number) => number;

/**
 * The density p(x, y) of toy data set `name` where it is known (see the module comment), or
 * undefined. Plain JavaScript numbers (float64).
 *
 * @param name A toy data set name.
 */
export function toyDensity(name: string): PointDensity | undefined {
  const spec = SPECS[name as ToyName];
  if (!spec) return undefined;
  if (spec.kind === 'checkerboard') {
    return (x, y) => {
      if (Math.abs(x) >= 4 || Math.abs(y) >= 4) return 0;
      const i = Math.floor(x / 2);
      const j = Math.floor(y / 2);
      return Math.abs((i + j) % 2) === 0 ? 1 / 32 : 0;
    };
  }
  if (spec.kind === 'rings') return (x, y) => ringDensity(spec.rings, Math.hypot(x, y));
  const parts = spec.components.map((c) => ({ c, nodes: curveNodes(c) }));
  return (x, y) => {
    let p = 0;
    for (const { c, nodes } of parts) {
      const s2 = c.sigma * c.sigma;
      const cut = 64 * s2; // nodes farther than 8σ add < e^{-32}
      let acc = 0;
      for (const [nx, ny] of nodes) {
        const d2 = (x - nx) ** 2 + (y - ny) ** 2;
        if (d2 < cut) acc += Math.exp(-d2 / (2 * s2));
      }
      p += (c.w * acc) / (nodes.length * TWO_PI * s2);
    }
    return p;
  };
}

const cache = new Map<string, number | undefined>();

/**
 * The differential entropy (nats) of toy data set `name`, −∫ p log p by a fine grid integral of
 * {@link toyDensity}, or undefined where the density is not known in closed form (`2spirals`,
 * `pinwheel`, CSV and image data). Computed once per process (up to ~1 s), then cached.
 *
 * @param name A toy data set name.
 * @example
 * toyEntropy('8gaussians'); // ≈ 2.832 nats
 */
export function toyEntropy(name: string): number | undefined {
  if (cache.has(name)) return cache.get(name);
  const value = computeEntropy(name);
  cache.set(name, value);
  return value;
}

function computeEntropy(name: string): number | undefined {
  const spec = SPECS[name as ToyName];
  if (!spec) return undefined;
  if (spec.kind === 'checkerboard') return Math.log(32);
  if (spec.kind === 'rings') {
    const sigma = Math.min(...spec.rings.map((r) => r.sigma));
    const top = Math.max(...spec.rings.map((r) => r.R + 8 * r.sigma));
    const h = sigma / 20;
    let H = 0;
    for (let rho = h / 2; rho < top; rho += h) {
      const p = ringDensity(spec.rings, rho);
      if (p > 0) H -= TWO_PI * rho * p * Math.log(p) * h;
    }
    return H;
  }
  const p = toyDensity(name);
  if (!p) return undefined;
  const sigma = Math.min(...spec.components.map((c) => c.sigma));
  const lo = -spec.half - 6 * sigma;
  const n = Math.ceil((2 * (spec.half + 6 * sigma)) / (sigma / 6));
  const h = (2 * -lo) / n;
  let H = 0;
  for (let i = 0; i < n; i++) {
    const x = lo + (i + 0.5) * h;
    for (let j = 0; j < n; j++) {
      const v = p(x, lo + (j + 0.5) * h);
      if (v > 0) H -= v * Math.log(v);
    }
  }
  return H * h * h;
}

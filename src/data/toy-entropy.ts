/**
 * Closed-form (or one-dimensional-quadrature) densities of the toy data sets whose generating
 * process allows it, and their differential entropies H = −∫ p log p, computed by a fine grid
 * integral. The entropy is the best held-out NLL any model can reach (in expectation), so the
 * report draws it as a reference line.
 *
 * How each density is known (each data set's `density` in `toy-specs.ts`, next to its generator,
 * from the same constants):
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
import { isToyName } from './toy.js';
import { type CurveComponent, type Ring, TOY_SPECS, type ToyDensitySpec, type ToySpec } from './toy-specs.js';

/** The density description of toy data set `name`, where it has one. */
function densitySpec(name: string): ToyDensitySpec | undefined {
  if (!isToyName(name)) return undefined;
  const spec: ToySpec = TOY_SPECS[name];
  return spec.density;
}

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
  const spec = densitySpec(name);
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
  const spec = densitySpec(name);
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

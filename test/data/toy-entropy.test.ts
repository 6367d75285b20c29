import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/data/rng.js';
import { besselI0Scaled, toyDensity, toyEntropy } from '../../src/data/toy-entropy.js';
import { TOY_SPECS, type ToyName } from '../../src/data/toy-specs.js';

// The grid entropy of each known toy density against an independent Monte Carlo estimate from
// the data set's own generator: −mean log p(x) over fresh samples (unbiased for H when p is the
// generator's density, so a wrong density formula shows up as a gap of many standard errors).
const KNOWN: ToyName[] = ['8gaussians', 'checkerboard', 'moons', 'circles', 'swissroll', 'rings'];

describe('toy data entropies', () => {
  it.each(KNOWN)('%s: grid entropy matches −mean log p of generator samples', (name) => {
    const H = toyEntropy(name);
    const p = toyDensity(name);
    expect(H).toBeDefined();
    expect(p).toBeDefined();
    if (H === undefined || !p) return;
    const n = 20_000;
    const pts = TOY_SPECS[name].draw(new Rng(`entropy-${name}`), n);
    const v = Array.from({ length: n }, (_, i) => -Math.log(p(pts[2 * i], pts[2 * i + 1])));
    const mean = v.reduce((a, b) => a + b, 0) / n;
    const se = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1) / n);
    expect(Number.isFinite(mean)).toBe(true);
    expect(Math.abs(mean - H)).toBeLessThan(4 * se + 1e-9);
  });

  it('each known density integrates to one on a grid', () => {
    for (const name of KNOWN) {
      const p = toyDensity(name);
      if (!p) throw new Error(name);
      const h = 0.025;
      let mass = 0;
      for (let x = -6 + h / 2; x < 6; x += h) for (let y = -6 + h / 2; y < 6; y += h) mass += p(x, y) * h * h;
      expect(mass, name).toBeCloseTo(1, 3);
    }
  });

  it('checkerboard is log 32 exactly; 8gaussians near the FFJORD figure (~2.84)', () => {
    expect(toyEntropy('checkerboard')).toBe(Math.log(32));
    expect(toyEntropy('8gaussians')).toBeCloseTo(2.832, 2);
  });

  it('no entropy where no density is known', () => {
    expect(toyEntropy('2spirals')).toBeUndefined();
    expect(toyEntropy('pinwheel')).toBeUndefined();
    expect(toyEntropy('data.csv')).toBeUndefined();
  });

  it('scaled Bessel I0: series and asymptotic branches agree with known values', () => {
    // e^{-z} I0(z): z = 1 → 0.4657596075936404, z = 100 → 0.03994437929909668 (A&S tables)
    expect(besselI0Scaled(1)).toBeCloseTo(0.4657596075936404, 10);
    expect(besselI0Scaled(100)).toBeCloseTo(0.03994437929909668, 9);
    expect(Math.abs(besselI0Scaled(60.0001) - besselI0Scaled(59.9999))).toBeLessThan(1e-7);
  });
});

import { describe, expect, it } from 'vitest';
import type { tf } from '../../solvers/tf.js';
import { toyData, toyNames, toySampler, toySpec } from '../../src/data/index.js';

function rows(x: tf.Tensor): number[][] {
  const out = x.arraySync() as number[][];
  x.dispose();
  return out;
}

describe('toyData', () => {
  it('has the eight FFJORD densities', () => {
    expect([...toyNames].sort()).toEqual(
      ['2spirals', '8gaussians', 'checkerboard', 'circles', 'moons', 'pinwheel', 'rings', 'swissroll'].sort(),
    );
  });

  for (const name of toyNames) {
    it(`${name}: shape, float32, finite, seeded reproducibility, in range`, () => {
      const a = toyData(name, 501, 7);
      expect(a.shape).toEqual([501, 2]);
      expect(a.dtype).toBe('float32');
      const va = rows(a);
      const vb = rows(toyData(name, 501, 7));
      const vc = rows(toyData(name, 501, 8));
      expect(vb).toEqual(va);
      expect(vc).not.toEqual(va);
      const [lo, hi] = toySpec(name).range;
      const flat = va.flat();
      expect(flat.every(Number.isFinite)).toBe(true);
      const inside = flat.filter((v) => v > lo - 0.5 && v < hi + 0.5).length;
      expect(inside / flat.length).toBeGreaterThan(0.995);
    });
  }

  it('8gaussians: every point near one of 8 equally used modes at radius 4/1.414', () => {
    const pts = rows(toyData('8gaussians', 8000, 1));
    const counts = new Array(8).fill(0);
    for (const [x, y] of pts) {
      const angle = Math.atan2(y, x);
      const k = ((Math.round(angle / (Math.PI / 4)) % 8) + 8) % 8;
      const cx = (4 * Math.cos((k * Math.PI) / 4)) / (1414 / 1000);
      const cy = (4 * Math.sin((k * Math.PI) / 4)) / (1414 / 1000);
      expect(Math.hypot(x - cx, y - cy)).toBeLessThan(2.2); // 6 std of 0.5/1.414
      counts[k]++;
    }
    for (const c of counts) expect(Math.abs(c - 1000)).toBeLessThan(150);
    const r = pts.map(([x, y]) => Math.hypot(x, y));
    const meanR = r.reduce((a, b) => a + b, 0) / r.length;
    expect(meanR).toBeGreaterThan(2.7);
    expect(meanR).toBeLessThan(2.95);
  });

  it('checkerboard: points lie on the dark squares only, half of the 32 squares used evenly', () => {
    const pts = rows(toyData('checkerboard', 4000, 2));
    const cells = new Map<string, number>();
    for (const [x, y] of pts) {
      const i = Math.floor(x / 2);
      const j = Math.floor(y / 2);
      expect((((i + j) % 2) + 2) % 2).toBe(0);
      cells.set(`${i},${j}`, (cells.get(`${i},${j}`) ?? 0) + 1);
    }
    expect(cells.size).toBe(8);
    for (const c of cells.values()) expect(Math.abs(c - 500)).toBeLessThan(120);
  });

  it('rings: radii 0.75, 1.5, 2.25, 3 in equal shares', () => {
    const pts = rows(toyData('rings', 4000, 3));
    const counts = [0, 0, 0, 0];
    for (const [x, y] of pts) {
      const r = Math.hypot(x, y);
      const k = Math.round(r / 0.75) - 1;
      expect(Math.abs(r - 0.75 * (k + 1))).toBeLessThan(0.4);
      counts[k]++;
    }
    expect(counts).toEqual([1000, 1000, 1000, 1000]);
  });

  it('circles: half at radius 3, half at radius 1.5', () => {
    const pts = rows(toyData('circles', 2000, 4));
    const big = pts.filter(([x, y]) => Math.hypot(x, y) > 2.25);
    expect(Math.abs(big.length - 1000)).toBeLessThan(15); // noise 0.24 crosses r = 2.25 rarely
    for (const [x, y] of big) expect(Math.abs(Math.hypot(x, y) - 3)).toBeLessThan(1.2);
  });

  it('moons, 2spirals, pinwheel, swissroll: sane first moments', () => {
    const mean = (p: number[][], c: number) => p.reduce((a, r) => a + r[c], 0) / p.length;
    const moons = rows(toyData('moons', 4000, 5));
    // sklearn moons have mean (0.5, 0.25); scaled by 2 and shifted: (0, 0.3)
    expect(mean(moons, 0)).toBeCloseTo(0, 1);
    expect(mean(moons, 1)).toBeCloseTo(0.3, 1);
    const spirals = rows(toyData('2spirals', 4000, 6));
    // the two arms are point reflections of each other (up to noise): mean near 0
    expect(Math.abs(mean(spirals, 0))).toBeLessThan(0.1);
    expect(Math.abs(mean(spirals, 1))).toBeLessThan(0.1);
    const pin = rows(toyData('pinwheel', 4000, 7));
    expect(Math.abs(mean(pin, 0))).toBeLessThan(0.1);
    const r = pin.map(([x, y]) => Math.hypot(x, y));
    // radial feature ~ N(1, 0.3), scaled by 2: mean radius ≈ 2
    expect(r.reduce((a, b) => a + b, 0) / r.length).toBeCloseTo(2, 1);
    const swiss = rows(toyData('swissroll', 4000, 8));
    const sr = swiss.map(([x, y]) => Math.hypot(x, y));
    expect(Math.max(...sr)).toBeLessThan(4.2);
    expect(sr.reduce((a, b) => a + b, 0) / sr.length).toBeGreaterThan(1.2);
  });

  it('refuses unknown names and bad counts, naming the choices', () => {
    expect(() => toyData('nope', 10)).toThrow(/unknown toy data set 'nope'.*8gaussians/);
    expect(() => toyData('moons', 0)).toThrow(/positive integer/);
    expect(() => toyData('moons', 2.5)).toThrow(/positive integer/);
  });
});

describe('toySampler', () => {
  it('batches depend only on (seed, step) when a step is given', () => {
    const s1 = toySampler('8gaussians', 3);
    const s2 = toySampler('8gaussians', 3);
    s2(50, 0); // consuming other batches first changes nothing
    expect(rows(s1(50, 4))).toEqual(rows(s2(50, 4)));
    expect(rows(s1(50, 4))).not.toEqual(rows(s1(50, 5)));
  });

  it('without a step, calls advance one seeded stream', () => {
    const a = toySampler('moons', 9);
    const b = toySampler('moons', 9);
    const a1 = rows(a(20));
    const a2 = rows(a(20));
    expect(a1).not.toEqual(a2);
    expect(rows(b(20))).toEqual(a1);
  });
});

import { describe, expect, it } from 'vitest';
import { tf } from '../../solvers/tf.js';
import { ActNorm, LuLinear, Squeeze, solveMonotone } from '../../src/flows/index.js';
import { logAbsDet, toRows } from '../../src/flows/linalg.js';
import { perturb, read } from './helpers.js';

describe('ActNorm data-dependent initialisation', () => {
  it('gives zero mean and unit variance per channel on its first batch (image shape)', () => {
    const a = new ActNorm(3);
    const x = tf.tidy(() =>
      tf.add(tf.mul(tf.randomNormal([16, 4, 4, 3], 0, 1, 'float32', 1), [5, 0.1, 2]), [3, -7, 0.5]),
    );
    const y = tf.reshape(a.forward(x).y, [-1, 3]);
    const { mean, variance } = tf.moments(y, 0);
    for (const m of read(mean)) expect(Math.abs(m)).toBeLessThan(1e-4);
    for (const v of read(variance)) expect(Math.abs(v - 1)).toBeLessThan(1e-3);
    // a second batch does not re-initialise
    const before = read(a.logScale.clone());
    read(a.forward(tf.randomNormal([8, 4, 4, 3], 0, 9, 'float32', 2)).logDet);
    expect(read(a.logScale.clone())).toEqual(before);
  });
});

describe('LU linear (1×1 conv)', () => {
  it('log-det equals log|det| of the assembled W = P·L·(U + diag(s)) and W is what forward applies', () => {
    const lu = new LuLinear(5, 11);
    perturb(lu.params, 0.5, 3);
    const w = toRows(read(lu.weight()), 5);
    const ref = logAbsDet(w);
    expect(Math.abs(ref)).toBeGreaterThan(1e-2); // perturbed away from a rotation
    const x = tf.randomNormal([2, 3, 3, 5], 0, 1, 'float32', 4);
    const ld = read(lu.forward(x).logDet);
    for (const v of ld) expect(v).toBeCloseTo(9 * ref, 3);
    // forward applies W at every position
    const px = Array.from(x.dataSync().subarray(0, 5));
    const py = Array.from(lu.forward(x).y.dataSync().subarray(0, 5));
    w.forEach((row, i) => {
      expect(py[i]).toBeCloseTo(
        row.reduce((s, wij, j) => s + wij * px[j], 0),
        4,
      );
    });
  });
});

describe('squeeze', () => {
  it('moves each 2×2 block into channels', () => {
    const x = tf.tensor4d(
      Array.from({ length: 16 }, (_, i) => i),
      [1, 4, 4, 1],
    );
    const y = new Squeeze().forward(x).y;
    expect(y.shape).toEqual([1, 2, 2, 4]);
    expect(read(y).slice(0, 8)).toEqual([0, 1, 4, 5, 2, 3, 6, 7]);
  });
});

describe('solveMonotone', () => {
  it('finds roots of monotone equations to float64 accuracy, even where Newton alone overshoots', () => {
    const c = [0, 3, -2.5, 40];
    const roots = solveMonotone(
      (a, i) => ({ value: Math.atan(a) + 0.01 * a - c[i] * 0.03, slope: 1 / (1 + a * a) + 0.01 }),
      Float64Array.from(c, () => -1e4),
      Float64Array.from(c, () => 1e4),
    );
    roots.forEach((r, i) => {
      expect(Math.abs(Math.atan(r) + 0.01 * r - c[i] * 0.03)).toBeLessThan(1e-10);
    });
  });
});

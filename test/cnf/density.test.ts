import { describe, expect, it } from 'vitest';
import type { CNF } from '../../src/cnf/index.js';
import { tf } from '../../src/index.js';
import { disposeModel, eightGaussians, smallCnf } from './helpers.js';

describe('CNF log-density', () => {
  it('logProb (exact divergence) equals log N(z) + log|det ∂z/∂x| from finite differences of the flow map', () => {
    const cnf = smallCnf({ blocks: 2, T: 1.2, eval: { method: 'rk4', stepSize: 0.02 } });
    const x = [
      [0.4, -0.3],
      [-1.2, 0.8],
      [2.0, 1.5],
    ];
    const h = 1e-2;
    const map = (pts: number[][]) =>
      tf.tidy(() => {
        const r = cnf.forward(tf.tensor2d(pts));
        return r.y.arraySync() as number[][];
      });
    // one batch: each point and its four ±h perturbations
    const batch = x.flatMap((p) => [
      p,
      ...[0, 1].flatMap((k) => [1, -1].map((sg) => p.map((v, j) => (j === k ? v + sg * h : v)))),
    ]);
    const out = map(batch);
    const lp = tf.tidy(() => Array.from(cnf.logProb(tf.tensor2d(x)).dataSync()));
    let moved = 0;
    for (let b = 0; b < x.length; b++) {
      const o = out.slice(5 * b, 5 * b + 5);
      const z = o[0];
      const jac = [0, 1].map((k) => [0, 1].map((i) => (o[1 + 2 * k][i] - o[2 + 2 * k][i]) / (2 * h)));
      const det = jac[0][0] * jac[1][1] - jac[0][1] * jac[1][0];
      const ref = -0.5 * (z[0] ** 2 + z[1] ** 2) - Math.log(2 * Math.PI) + Math.log(Math.abs(det));
      expect(Math.abs(lp[b] - ref)).toBeLessThan(1e-2);
      moved = Math.max(moved, Math.abs(Math.log(Math.abs(det))));
    }
    // the field is not (nearly) volume-preserving, so the check has teeth
    expect(moved).toBeGreaterThan(0.05);
    disposeModel(cnf);
  });

  it('inverse(forward(x)) returns x within 1e-3, and the log-dets are opposite', () => {
    const cnf = smallCnf({ eval: { method: 'rk4', stepSize: 0.02 } });
    const x = eightGaussians(64, 3);
    const { err, ld } = tf.tidy(() => {
      const f = cnf.forward(x);
      const b = cnf.inverse(f.y);
      return {
        err: tf.max(tf.abs(tf.sub(b.y, x))).dataSync()[0],
        ld: tf.max(tf.abs(tf.add(f.logDet, b.logDet))).dataSync()[0],
      };
    });
    expect(err).toBeLessThan(1e-3);
    expect(ld).toBeLessThan(1e-3);
    x.dispose();
    disposeModel(cnf);
  });

  it('sample then logProb agrees with the log-density carried along the sampling solve', () => {
    const cnf = smallCnf({ eval: { method: 'dopri5', rtol: 1e-6, atol: 1e-6 } });
    const { x, logProb } = cnf.sampleWithLogProb(50, 8);
    const again = cnf.logProb(x);
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(again, logProb))).dataSync()[0]);
    expect(diff).toBeLessThan(2e-3);
    // samples are reproducible given the seed
    const x2 = cnf.sample(50, 8);
    expect(Array.from(x2.dataSync())).toEqual(Array.from(x.dataSync()));
    tf.dispose([x, logProb, again, x2]);
    disposeModel(cnf);
  });
});

/** ∑ exp(logProb) h² over a grid of [−L, L]² with spacing h. */
function gridMass(cnf: CNF, L: number, h: number): number {
  const n = Math.round((2 * L) / h) + 1;
  const pts: number[] = [];
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) pts.push(-L + i * h, -L + j * h);
  return tf.tidy(() => tf.sum(tf.exp(cnf.logProb(tf.tensor2d(pts, [n * n, 2])))).dataSync()[0] * h * h);
}

describe('CNF density integrates to one', () => {
  it('untrained and briefly trained: exp(logProb) sums to 1 ± 0.02 over a grid covering the mass', () => {
    const cnf = smallCnf({ eval: { method: 'rk4', stepSize: 0.05 } });
    expect(Math.abs(gridMass(cnf, 7, 0.125) - 1)).toBeLessThan(0.02);
    const opt = tf.train.adam(1e-2);
    const data = eightGaussians(128, 1);
    const before = tf.tidy(() => cnf.trainLoss(data).loss.dataSync()[0]);
    for (let i = 0; i < 30; i++) opt.minimize(() => cnf.trainLoss(data).loss as tf.Scalar);
    const after = tf.tidy(() => cnf.trainLoss(data).loss.dataSync()[0]);
    // training moved the density (the grid check below is then about a different flow)
    expect(after).toBeLessThan(before - 0.05);
    expect(Math.abs(gridMass(cnf, 7, 0.125) - 1)).toBeLessThan(0.02);
    opt.dispose();
    data.dispose();
    disposeModel(cnf);
  });
});

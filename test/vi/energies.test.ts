import { describe, expect, it } from 'vitest';
import { tf } from '../../solvers/tf.js';
import { gridLogProb } from '../../src/metrics/grid.js';
import {
  ENERGIES,
  ENERGY_NAMES,
  energy,
  energyFitModel,
  fitReverseKl,
  klEstimate,
  logPartition,
  reverseKlLoss,
  WALL_WIDTH,
  WINDOW,
} from '../../src/vi/index.js';
import { read } from '../flows/helpers.js';

// The paper's formulas (Rezende & Mohamed 2015, Table 1) written out again in float64 JS.
const w1 = (z1: number) => Math.sin((2 * Math.PI * z1) / 4);
const w2 = (z1: number) => 3 * Math.exp(-0.5 * ((z1 - 1) / 0.6) ** 2);
const w3 = (z1: number) => 3 / (1 + Math.exp(-(z1 - 1) / 0.3));
const wallJs = (z1: number) => 0.5 * (Math.max(Math.abs(z1) - 4, 0) / 0.2) ** 2;
const reference: Record<string, (z1: number, z2: number) => number> = {
  u1: (z1, z2) =>
    0.5 * ((Math.hypot(z1, z2) - 2) / 0.4) ** 2 -
    Math.log(Math.exp(-0.5 * ((z1 - 2) / 0.6) ** 2) + Math.exp(-0.5 * ((z1 + 2) / 0.6) ** 2)),
  u2: (z1, z2) => 0.5 * ((z2 - w1(z1)) / 0.4) ** 2 + wallJs(z1),
  u3: (z1, z2) =>
    -Math.log(
      Math.exp(-0.5 * ((z2 - w1(z1)) / 0.35) ** 2) + Math.exp(-0.5 * ((z2 - w1(z1) + w2(z1)) / 0.35) ** 2),
    ) + wallJs(z1),
  u4: (z1, z2) =>
    -Math.log(
      Math.exp(-0.5 * ((z2 - w1(z1)) / 0.4) ** 2) + Math.exp(-0.5 * ((z2 - w1(z1) + w3(z1)) / 0.35) ** 2),
    ) + wallJs(z1),
};

describe('Rezende & Mohamed energies', () => {
  const pts = [
    [0.3, -0.7],
    [2.1, 0.2],
    [-1.5, 1.9],
    [3.7, -2.2],
    [4.3, 0.5],
    [-4.6, -0.9],
  ];
  for (const name of ENERGY_NAMES) {
    it(`${name} matches the paper's formula (float64 JS) at points inside and outside the window`, () => {
      const u = read(tf.tidy(() => ENERGIES[name].U(tf.tensor2d(pts))));
      pts.forEach(([a, b], i) => {
        expect(u[i]).toBeCloseTo(reference[name](a, b), 3);
      });
    });
  }

  it('log Z: U2 has a closed form; the grid converges (n vs 2n) for all four', () => {
    // ∫ exp(−½((z2−w1)/0.4)²) dz2 = 0.4√(2π) on every vertical line; along z1: 2·WINDOW + the two wall halves 0.2√(2π)/2
    const s2pi = Math.sqrt(2 * Math.PI);
    const exact = Math.log(0.4 * s2pi * (2 * WINDOW + WALL_WIDTH * s2pi));
    expect(logPartition(ENERGIES.u2)).toBeCloseTo(exact, 4);
    for (const name of ENERGY_NAMES) {
      const a = logPartition(ENERGIES[name], { n: 300 });
      const b = logPartition(ENERGIES[name], { n: 600 });
      const wide = logPartition(ENERGIES[name], { n: 600, range: [-8, 8] });
      expect(Math.abs(a - b)).toBeLessThan(1e-3);
      expect(Math.abs(b - wide)).toBeLessThan(1e-3);
    }
  }, 30_000);

  it('refuses unknown names and bad grids, naming the value', () => {
    expect(() => energy('u5')).toThrow(/energy 'u5' is unknown; expected one of u1, u2, u3, u4/);
    expect(() => logPartition(ENERGIES.u1, { n: 1 })).toThrow(/n = 1 is invalid/);
    expect(() => logPartition(ENERGIES.u1, { range: [2, 2] })).toThrow(/range \[2, 2\] is empty/);
  });
});

describe('reverse-KL fitting', () => {
  it('the Monte-Carlo KL matches the grid integral ∫ q (log q + U + log Z)', () => {
    const m = energyFitModel('planar', { steps: 4, seed: 2 });
    const e = ENERGIES.u1;
    fitReverseKl(m, e.U, { iterations: 60, batch: 64, seed: 3 });
    const logZ = logPartition(e);
    const g = gridLogProb(m, { range: [-7, 7], n: 280 });
    const u = read(
      tf.tidy(() => {
        const pts = g.axis.flatMap((y) => g.axis.flatMap((x) => [x, y]));
        return e.U(tf.tensor2d(pts, [g.axis.length ** 2, 2]));
      }),
    );
    const h = g.axis[1] - g.axis[0];
    let kl = 0;
    g.logp.forEach((lq, i) => {
      kl += Math.exp(lq) * (lq + u[i] + logZ) * h * h;
    });
    const mc = klEstimate(m, e.U, logZ, { n: 20000 });
    expect(g.mass).toBeGreaterThan(0.995);
    expect(Math.abs(mc.kl - kl)).toBeLessThan(4 * mc.stderr + 0.01);
    m.dispose();
  }, 60_000);

  it('the loss gradient (through sampleAndLogProb) matches central differences, planar and CNF', () => {
    for (const kind of ['planar', 'cnf'] as const) {
      const m = energyFitModel(kind, { steps: 3, seed: 1, hidden: [8], cnfSteps: 4 });
      const vars = m.params as tf.Variable[];
      const f = () => reverseKlLoss(m, ENERGIES.u3.U, 16, 5);
      const { grads } = tf.variableGrads(f, vars);
      for (const v of [vars[0], vars[vars.length - 1]]) {
        const base = v.dataSync().slice();
        const g = grads[v.name].dataSync()[0];
        const at = (d: number) => {
          const a = base.slice();
          a[0] += d;
          v.assign(tf.tensor(a, v.shape));
          return read(f())[0];
        };
        const fd = (at(1e-2) - at(-1e-2)) / 2e-2;
        v.assign(tf.tensor(base, v.shape));
        expect(Math.abs(g - fd)).toBeLessThan(0.03 * Math.max(1, Math.abs(fd)));
      }
      tf.dispose(Object.values(grads));
      m.dispose();
    }
  }, 60_000);

  it('fitting lowers the exact KL and leaks no tensors; a planar flow reaches KL < 0.3 on U1 in 600 steps', () => {
    const m = energyFitModel('planar', { steps: 8, seed: 0 });
    const logZ = logPartition(ENERGIES.u1);
    const before = klEstimate(m, ENERGIES.u1.U, logZ, { n: 5000 });
    const n0 = tf.memory().numTensors;
    // 600 steps: at 300 the exact KL of planar K = 8 depends on the initial draw (0.27–0.70 over
    // model seeds 0–2, before and after the RNG change); at 600 it is 0.13–0.26 for all three.
    const r = fitReverseKl(m, ENERGIES.u1.U, { iterations: 600, batch: 128, seed: 1 });
    expect(tf.memory().numTensors).toBe(n0);
    const after = klEstimate(m, ENERGIES.u1.U, logZ, { n: 5000 });
    expect(r.losses).toHaveLength(600);
    expect(after.kl).toBeLessThan(0.3);
    expect(after.kl).toBeLessThan(before.kl - 1);
    expect(after.kl).toBeGreaterThan(-4 * after.stderr);
    m.dispose();
  }, 180_000);

  it('refuses bad options, naming them', () => {
    const m = energyFitModel('radial', { steps: 2 });
    expect(() => fitReverseKl(m, ENERGIES.u1.U, { iterations: 0 })).toThrow(/iterations = 0 is invalid/);
    expect(() => fitReverseKl(m, ENERGIES.u1.U, { batch: 1.5 })).toThrow(/batch = 1.5 is invalid/);
    m.dispose();
  });
});

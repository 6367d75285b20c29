import { describe, expect, it } from 'vitest';
import { type Tensor, tf } from '../../solvers/tf.js';
import { CNF } from '../../src/cnf/cnf.js';
import { chain, invert } from '../../src/core/chain.js';
import { FlowModel } from '../../src/core/flow-model.js';
import type { Bijector } from '../../src/core/transform.js';
import { amortisedPlanar } from '../../src/flows/bijectors/amortised-planar.js';
import { amortisedRadial } from '../../src/flows/bijectors/amortised-radial.js';
import { iafLayer } from '../../src/flows/bijectors/iaf.js';
import { gridLogProb } from '../../src/metrics/grid.js';
import { autodiffLogDet, perturb, read } from '../flows/helpers.js';

const C = 3;
const contexts = [
  [0.5, -1.0, 0.3],
  [-1.2, 0.4, 1.5],
];

type Case = { name: string; model: () => FlowModel; tol: number };
const wrap = (b: Bijector, kind: string): FlowModel =>
  new FlowModel({ bijector: b, dim: 2, contextDim: C, config: { kind, dim: 2 } });

function perturbed<T extends Bijector>(b: T, std: number, seed: number): T {
  perturb(b.params as tf.Variable[], std, seed);
  return b;
}

const cases: Case[] = [
  {
    name: 'amortised planar ×3 (generative direction closed form)',
    model: () =>
      wrap(
        invert(
          chain(
            [0, 1, 2].map((i) =>
              perturbed(amortisedPlanar(2, C, { seed: i, hidden: [8], outInitStd: 0.3 }), 0.3, 10 + i),
            ),
          ),
        ),
        'amortised-planar',
      ),
    tol: 0.01,
  },
  {
    name: 'amortised radial ×3',
    model: () =>
      wrap(
        invert(
          chain(
            [0, 1, 2].map((i) =>
              perturbed(amortisedRadial(2, C, { seed: i, hidden: [8], outInitStd: 0.5 }), 0.5, 20 + i),
            ),
          ),
        ),
        'amortised-radial',
      ),
    tol: 0.01,
  },
  {
    name: 'IAF with context ×2',
    model: () =>
      wrap(
        chain(
          [0, 1].map((i) => perturbed(iafLayer(2, { contextDim: C, hidden: [16], seed: i }), 0.2, 30 + i)),
        ),
        'iaf',
      ),
    tol: 0.01,
  },
  {
    name: 'conditional CNF f(t, z, c)',
    model: () => {
      const m = new CNF({
        dim: 2,
        hidden: [16, 16],
        contextDim: C,
        T: 1,
        trainT: false,
        solver: { method: 'rk4', stepSize: 0.1 },
        seed: 3,
      });
      perturb(m.params as tf.Variable[], 0.3, 40);
      return m;
    },
    tol: 0.015,
  },
];

function ctx(row: number[], n: number): Tensor {
  return tf.tile(tf.tensor2d([row], [1, C]), [n, 1]);
}

describe('conditional flows on the transform contract', () => {
  for (const c of cases) {
    it(`${c.name}: for each fixed context the density integrates to 1 (grid)`, () => {
      const m = c.model();
      const before = tf.memory().numTensors;
      const masses = contexts.map((row) => gridLogProb(m, { range: [-10, 10], n: 250, context: row }).mass);
      for (const mass of masses) expect(Math.abs(mass - 1)).toBeLessThan(c.tol);
      // different contexts give different densities
      const lp = contexts.map((row) => tf.tidy(() => m.logProb(tf.tensor2d([[0.3, -0.2]]), ctx(row, 1))));
      expect(Math.abs(read(lp[0])[0] - read(lp[1])[0])).toBeGreaterThan(1e-3);
      expect(tf.memory().numTensors).toBe(before);
      m.dispose();
    }, 60_000);

    it(`${c.name}: inverse ∘ forward = id and log-det equals the brute-force Jacobian's`, () => {
      const m = c.model();
      const before = tf.memory().numTensors;
      const x = tf.tensor2d([
        [0.3, -0.7],
        [1.1, 0.4],
        [-1.5, 2.0],
      ]);
      const cc = tf.tensor2d([contexts[0], contexts[1], contexts[0]]);
      const f = m.bijector.forward(x, cc);
      const back = m.bijector.inverse(f.y, cc);
      const err = read(tf.tidy(() => tf.max(tf.abs(tf.sub(back.x, x)))))[0];
      expect(err).toBeLessThan(2e-3);
      const ld = read(tf.tidy(() => tf.add(f.logDet, back.logDet)));
      for (const v of ld) expect(Math.abs(v)).toBeLessThan(2e-3);
      const brute = autodiffLogDet((xx) => m.bijector.forward(xx, cc).y, x);
      const got = read(f.logDet);
      brute.forEach((v, i) => {
        expect(got[i]).toBeCloseTo(v, 2);
      });
      tf.dispose([x, cc, f.y, back.x, back.logDet]);
      expect(tf.memory().numTensors).toBe(before);
      m.dispose();
    }, 60_000);

    it(`${c.name}: gradients of sampleAndLogProb (params, context) match central differences`, () => {
      const m = c.model();
      const cc = tf.tensor2d([contexts[0], contexts[1], contexts[1], contexts[0]]);
      // a fixed-noise objective: L = Σ (log q(x) + ‖x‖²/2) over 4 draws with one seed
      const objective = (ctxT: Tensor): tf.Scalar =>
        tf.tidy(() => {
          const { x, logProb } = m.sampleAndLogProb(4, ctxT, 7);
          return tf.sum(tf.add(logProb, tf.mul(tf.sum(tf.square(x), 1), 0.5))) as tf.Scalar;
        });
      const vars = m.params as tf.Variable[];
      const { grads } = tf.variableGrads(() => objective(cc), vars);
      const gc = tf.grad((t: Tensor) => objective(t))(cc);
      const h = 1e-2;
      // checks: two parameter entries of the first variable and of the last, one context entry
      const checks: { analytic: number; fd: number }[] = [];
      for (const v of [vars[0], vars[vars.length - 1]]) {
        const g = grads[v.name].dataSync();
        const base = v.dataSync().slice();
        for (const k of [0, base.length - 1]) {
          const shift = (d: number) => {
            const a = base.slice();
            a[k] += d;
            v.assign(tf.tensor(a, v.shape));
            return read(objective(cc))[0];
          };
          const fd = (shift(h) - shift(-h)) / (2 * h);
          v.assign(tf.tensor(base, v.shape));
          checks.push({ analytic: g[k], fd });
        }
      }
      const cv = cc.dataSync().slice();
      const fdC = (d: number) =>
        read(
          tf.tidy(() => {
            const a = cv.slice();
            a[1] += d;
            return objective(tf.tensor2d(a, [4, C]));
          }),
        )[0];
      checks.push({ analytic: gc.dataSync()[1], fd: (fdC(h) - fdC(-h)) / (2 * h) });
      for (const { analytic, fd } of checks) {
        expect(Math.abs(analytic - fd)).toBeLessThan(0.03 * Math.max(1, Math.abs(fd)));
      }
      tf.dispose([cc, gc, ...Object.values(grads)]);
      m.dispose();
    }, 60_000);
  }

  it('amortised layers refuse a missing or mis-shaped context, naming the shape', () => {
    const p = amortisedPlanar(2, C);
    const r = amortisedRadial(2, C);
    const x = tf.zeros([2, 2]);
    expect(() => p.forward(x)).toThrow(/needs a context \[B, 3\]/);
    expect(() => r.inverse(x, tf.zeros([2, 2]))).toThrow(/context has shape \[2, 2\]; expected \[2, 3\]/);
    expect(() => amortisedPlanar(2, 0)).toThrow(/contextDim = 0 is invalid/);
    x.dispose();
  });
});

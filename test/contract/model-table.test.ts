/**
 * The contract every entry of the model table gets, automatically (a new kind in MODEL_TABLE is
 * tested without touching this file): built for 2-D data and perturbed away from its
 * initialisation, its transform is invertible, its log-det equals log|det J| of a central-difference
 * Jacobian, exp(logProb) integrates to 1 on a grid, a checkpoint round trip gives the same density,
 * and a conditional kind's density changes with the context and integrates to 1 for each.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tf } from '../../solvers/tf.js';
import { FlowModel } from '../../src/core/flow-model.js';
import { gridLogProb } from '../../src/metrics/grid.js';
import type { DensityModel } from '../../src/model.js';
import { loadCheckpoint, saveCheckpoint } from '../../src/train/checkpoint.js';
import { createModel, MODEL_TABLE } from '../../src/train/models.js';

/**
 * Smaller settings where a kind's defaults would make the test slow (a kind not listed runs with
 * its defaults). The CNF's evaluation solver is a fixed-step rk4 so that the map is smooth for
 * the finite differences.
 */
const SMALL: Record<string, Record<string, unknown>> = {
  cnf: { hidden: [16, 16], solver: { method: 'rk4', stepSize: 0.05 } },
  'flow-matching': { hidden: [16, 16], eval: { method: 'rk4', stepSize: 0.05 } },
  realnvp: { hidden: [16], layers: 4 },
  glow: { hidden: [16], steps: 2 },
  maf: { hidden: [16], layers: 2 },
  nice: { hidden: [16], layers: 2 },
  planar: { layers: 4 },
  'ffjord-multiscale': { hidden: [16, 16], blocks: 2, eval: { method: 'rk4', stepSize: 0.05 } },
  nsf: { hidden: [16], layers: 2 },
  radial: { layers: 4 },
};

/** Moves every parameter by N(0, 0.15²) (seeded), so no layer is the identity. */
function perturb(model: DensityModel, seed: number): void {
  model.params.forEach((p, i) => {
    tf.tidy(() => p.assign(tf.add(p, tf.randomNormal(p.shape, 0, 0.15, 'float32', seed * 1000 + i))));
  });
}

function build(kind: string, extra: Record<string, unknown> = {}): FlowModel {
  const m = createModel(kind, { dim: 2, seed: 3, ...(SMALL[kind] ?? {}), ...extra });
  if (!(m instanceof FlowModel)) throw new Error(`${kind} is not a FlowModel`);
  // glow's ActNorm initialises from the first batch it sees: show it one before perturbing
  const c = typeof extra.contextDim === 'number' ? tf.zeros([64, extra.contextDim]) : undefined;
  tf.tidy(() => m.logProb(tf.randomNormal([64, 2], 0, 1, 'float32', 5), c));
  c?.dispose();
  perturb(m, 7);
  return m;
}

/** max |a − b|. */
function maxAbs(a: tf.Tensor, b: tf.Tensor): number {
  const v = tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
  return v;
}

/** log|det J| per point from a central-difference Jacobian of the forward map (2-D). */
function bruteLogDet(m: FlowModel, x: tf.Tensor2D, context?: tf.Tensor, h = 1e-2): number[] {
  return tf.tidy(() => {
    const cols = [0, 1].map((k) => {
      const e = tf.mul(tf.oneHot(tf.fill([x.shape[0]], k, 'int32'), 2), h);
      const plus = m.bijector.forward(tf.add(x, e), context).y;
      const minus = m.bijector.forward(tf.sub(x, e), context).y;
      return tf.div(tf.sub(plus, minus), 2 * h).arraySync() as number[][];
    });
    return cols[0].map((c0, b) => {
      const c1 = cols[1][b];
      // J = [[∂y0/∂x0, ∂y0/∂x1], [∂y1/∂x0, ∂y1/∂x1]]; cols[k][b] = ∂y/∂x_k
      return Math.log(Math.abs(c0[0] * c1[1] - c1[0] * c0[1]));
    });
  });
}

/**
 * A grid that holds the model's mass: half-width from the model's own samples (1.5 × the largest
 * |coordinate| of 2000 draws, at least 6 — some perturbed flows have wide tails), cells of ~0.1.
 */
function massOnGrid(m: FlowModel, context?: readonly number[]): number {
  const s = m.sample(2000, context ? tf.tensor1d([...context]) : 21, context ? 21 : undefined);
  const far = tf.tidy(() => tf.max(tf.abs(s)).dataSync()[0]);
  s.dispose();
  const r = Math.max(6, 1.5 * far);
  const n = Math.min(800, Math.ceil((2 * r) / 0.1));
  return gridLogProb(m, { range: [-r, r], n, context }).mass;
}

const kinds = Object.keys(MODEL_TABLE);

describe('model table contract', () => {
  it('covers every kind of the table', () => {
    expect(kinds.length).toBeGreaterThanOrEqual(8);
  });

  for (const kind of kinds) {
    describe(kind, () => {
      it('inverse(forward(x)) = x, log-dets cancel, log-det = log|det J| by finite differences', () => {
        const m = build(kind);
        const before = tf.memory().numTensors;
        const x = tf.tidy(() => tf.mul(tf.randomNormal([6, 2], 0, 1, 'float32', 11), 1.2)) as tf.Tensor2D;
        const fwd = m.bijector.forward(x);
        const inv = m.bijector.inverse(fwd.y);
        expect(maxAbs(inv.x, x)).toBeLessThan(2e-3);
        expect(tf.tidy(() => maxAbs(fwd.logDet, tf.neg(inv.logDet)))).toBeLessThan(2e-3);
        const brute = bruteLogDet(m, x);
        const got = Array.from(fwd.logDet.dataSync());
        // the map must not be (close to) volume-preserving everywhere, or the check says little
        expect(Math.max(...got.map(Math.abs))).toBeGreaterThan(1e-3);
        for (const [i, b] of brute.entries()) expect(Math.abs(b - got[i])).toBeLessThan(2e-2);
        tf.dispose([x, fwd.y, fwd.logDet, inv.x, inv.logDet]);
        expect(tf.memory().numTensors).toBe(before);
        m.dispose();
      });

      it('exp(logProb) integrates to 1 on a 2-D grid', () => {
        const m = build(kind);
        expect(Math.abs(massOnGrid(m) - 1)).toBeLessThan(0.02);
        m.dispose();
      });

      it('save / load round trip gives the same config and density', async () => {
        const m = build(kind);
        const dir = mkdtempSync(join(tmpdir(), `odeflow-contract-${kind}-`));
        await saveCheckpoint(dir, m, { iteration: 0 });
        const { model } = await loadCheckpoint(dir);
        expect(model.config()).toEqual(JSON.parse(JSON.stringify(m.config())));
        const x = tf.randomNormal([5, 2], 0, 1, 'float32', 2);
        const [a, b] = [m.logProb(x), model.logProb(x)];
        expect(maxAbs(a, b)).toBeLessThan(1e-5);
        tf.dispose([x, a, b]);
        m.dispose();
        if (model instanceof FlowModel) model.dispose();
      });

      if (MODEL_TABLE[kind].conditional) {
        it('conditional: the density changes with the context and integrates to 1 for each', () => {
          const m = build(kind, { contextDim: 1 });
          const x = tf.randomNormal([8, 2], 0, 1, 'float32', 4) as tf.Tensor2D;
          const c1 = tf.fill([8, 1], -1);
          const c2 = tf.fill([8, 1], 1.5);
          const [l1, l2] = [m.logProb(x, c1), m.logProb(x, c2)];
          expect(maxAbs(l1, l2)).toBeGreaterThan(1e-2);
          // invertibility and the log-det under a context as well
          const fwd = m.bijector.forward(x, c2);
          const inv = m.bijector.inverse(fwd.y, c2);
          expect(maxAbs(inv.x, x)).toBeLessThan(2e-3);
          const brute = bruteLogDet(m, x, c2);
          const got = Array.from(fwd.logDet.dataSync());
          for (const [i, b] of brute.entries()) expect(Math.abs(b - got[i])).toBeLessThan(2e-2);
          for (const c of [[-1], [1.5]]) {
            expect(Math.abs(massOnGrid(m, c) - 1)).toBeLessThan(0.02);
          }
          const s = m.sample(4, tf.tensor1d([0.5]), 9);
          expect(s.shape).toEqual([4, 2]);
          expect(() => m.logProb(x)).toThrow(/conditional and needs a context/);
          tf.dispose([x, c1, c2, l1, l2, fwd.y, fwd.logDet, inv.x, inv.logDet, s]);
          m.dispose();
        });
      }
    });
  }
});

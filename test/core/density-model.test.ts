import { describe, expect, it } from 'vitest';
import { solveIvp, solveIvpAsync } from '../../solvers/index.js';
import { tf } from '../../solvers/tf.js';
import { CNF, CnfBlock } from '../../src/cnf/index.js';
import { Chain, chain } from '../../src/core/chain.js';
import { FlowModel } from '../../src/core/flow-model.js';
import { ActNorm } from '../../src/flows/bijectors/actnorm.js';
import { Coupling } from '../../src/flows/bijectors/coupling.js';
import { halfMask } from '../../src/flows/masks.js';
import { gridLogProb } from '../../src/metrics/grid.js';
import { mlpField } from '../../src/nn/mlp.js';
import { createModel } from '../../src/train/models.js';

const RK4 = { method: 'rk4' as const, stepSize: 0.05 };

function cnfBlock(seed: number, kinetic = 0): CnfBlock {
  return new CnfBlock(mlpField({ dim: 2, hidden: [12, 12], seed }), {
    T: 0.6,
    trainT: true,
    train: RK4,
    eval: RK4,
    divergence: 'exact',
    evalDivergence: 'exact',
    noise: 'gaussian',
    gradient: 'backprop',
    kinetic,
    jacobian: 0,
    fused: true,
    noiseSeed: 1,
  });
}

/** ActNorm → CNF block → coupling → CNF block: a mixed chain as one density model. */
function mixed(kinetic = 0): FlowModel {
  const bij = chain([
    new ActNorm(2),
    cnfBlock(1, kinetic),
    new Coupling({ mask: halfMask(2, 0), hidden: [8], seed: 2 }),
    cnfBlock(3, kinetic),
  ]);
  const m = new FlowModel({ bijector: bij, dim: 2, config: { kind: 'mixed-test' } });
  tf.tidy(() => m.logProb(tf.randomNormal([32, 2], 0, 1, 'float32', 1))); // ActNorm's data init
  for (const [i, p] of m.params.entries()) {
    tf.tidy(() => p.assign(tf.add(p, tf.randomNormal(p.shape, 0, 0.1, 'float32', 50 + i))));
  }
  return m;
}

describe('one density model over a mixed chain (discrete layers and CNF blocks)', () => {
  it('is invertible and its density integrates to 1', () => {
    const m = mixed();
    const x = tf.randomNormal([5, 2], 0, 1, 'float32', 3);
    const f = m.bijector.forward(x);
    const b = m.bijector.inverse(f.y);
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(b.x, x))).dataSync()[0])).toBeLessThan(2e-3);
    expect(Math.abs(gridLogProb(m, { range: [-7, 7], n: 120 }).mass - 1)).toBeLessThan(0.02);
    tf.dispose([x, f.y, f.logDet, b.x, b.logDet]);
    m.dispose();
  });

  it('trainLoss sums the blocks’ extras: NFE of both, the kinetic penalty, and reports it', () => {
    const plain = mixed(0);
    const reg = mixed(0.5);
    const x = tf.randomNormal([16, 2], 0, 1, 'float32', 4);
    const a = plain.trainLoss(x);
    const b = reg.trainLoss(x);
    // rk4 on [0, T] with h = 0.05: ⌈T/h⌉ steps × 4 stages, + 1 for the end-time gradient, per block
    const blocks =
      plain.bijector instanceof Chain ? plain.bijector.bijectors.filter((q) => q instanceof CnfBlock) : [];
    expect(blocks).toHaveLength(2);
    const expected = blocks.reduce(
      (n, q) => n + (q instanceof CnfBlock ? Math.ceil(q.endTime() / 0.05 - 1e-9) * 4 + 1 : 0),
      0,
    );
    expect(a.info.nfe).toBe(expected);
    expect(b.info.kinetic).toBeGreaterThan(0);
    const nll = b.info.nll;
    expect(b.loss.dataSync()[0]).toBeCloseTo(nll + 0.5 * b.info.kinetic, 4);
    expect(a.loss.dataSync()[0]).toBeCloseTo(nll, 4); // same weights, no penalty
    tf.dispose([x, a.loss, b.loss]);
    plain.dispose();
    reg.dispose();
  });

  it('async twins give the sync numbers and leak nothing', async () => {
    const m = mixed();
    const x = tf.randomNormal([6, 2], 0, 1, 'float32', 5);
    const before = tf.memory().numTensors;
    const [l, la] = [m.logProb(x), await m.logProbAsync(x)];
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(l, la))).dataSync()[0])).toBeLessThan(1e-5);
    const s = m.sample(7, 9);
    const sa = await m.sampleAsync(7, 9);
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(s, sa))).dataSync()[0])).toBeLessThan(1e-5);
    const one = m.sampleAndLogProb(7, 9);
    const oneA = await m.sampleAndLogProbAsync(7, 9);
    // draw and score in one pass = scoring the draw afterwards
    const rescored = m.logProb(one.x);
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(one.logProb, rescored))).dataSync()[0])).toBeLessThan(2e-3);
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(one.logProb, oneA.logProb))).dataSync()[0])).toBeLessThan(1e-5);
    tf.dispose([l, la, s, sa, one.x, one.logProb, oneA.x, oneA.logProb, rescored]);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    m.dispose();
  });

  it('solveIvpAsync (exported from solvers/) has solveIvp’s result', async () => {
    const y0 = tf.tensor2d([[1, 0.5]]);
    const f = (_t: number, y: tf.Tensor) => tf.neg(y);
    const a = solveIvp(f, y0, [0, 1], { rtol: 1e-4 });
    const b = await solveIvpAsync(f, y0, [0, 1], { rtol: 1e-4 });
    expect(b.stats).toEqual(a.stats);
    expect(Array.from(b.ys.dataSync())).toEqual(Array.from(a.ys.dataSync()));
    tf.dispose([y0, a.ys, b.ys]);
  });
});

describe('solver settings are one object, passed unchanged', () => {
  it('from CNF options and from a model-table config to every block', () => {
    const s = { method: 'bosh3' as const, rtol: 1e-3, atol: 1e-4 };
    const a = new CNF({ dim: 2, hidden: [4], blocks: 2, solver: s });
    expect(a.blocks.every((b) => b.settings.train === s && b.settings.eval === s)).toBe(true);
    const b = createModel('cnf', { dim: 2, hidden: [4], solver: s });
    expect(b instanceof CNF && b.blocks[0].settings.train === s).toBe(true);
    const bad = { method: 'rk5' };
    expect(() => createModel('cnf', { dim: 2, solver: bad })).toThrow(
      /solver = {"method":"rk5"} is invalid: expected solver settings \(method = "rk5" is invalid/,
    );
    expect(() => createModel('cnf', { dim: 2, solver: { rtol: 2 } })).toThrow(/rtol = 2 is invalid/);
    a.dispose();
    if (b instanceof CNF) b.dispose();
  });

  it('the deprecated top-level method / rtol / atol / stepSize still work (one object); unknown keys are refused', () => {
    const a = new CNF({ dim: 2, hidden: [4], method: 'rk4', stepSize: 0.125 });
    expect(a.blocks[0].settings.train).toEqual({ method: 'rk4', rtol: 1e-5, atol: 1e-5, stepSize: 0.125 });
    expect(a.blocks[0].settings.eval).toBe(a.blocks[0].settings.train);
    const b = new CNF({ dim: 2, hidden: [4] });
    expect(b.blocks[0].settings.train).toEqual({ method: 'dopri5', rtol: 1e-5, atol: 1e-5 });
    const bad = { dim: 2, stepsize: 0.1 };
    expect(() => new CNF(bad)).toThrow(
      /CNF options: stepsize = 0.1 is invalid: expected no such option; known: /,
    );
    a.dispose();
    b.dispose();
  });
});

/**
 * `warmStart` (default on): a CNF's training solves after the first begin with the step size the
 * previous training solve chose after its first step (`SolveStats.warmStep`) instead of the
 * initial-step heuristic. Checked against the same model with `warmStart: false` (torchdiffeq's
 * way, every solve from the heuristic): the first pass is the cold pass bit for bit; later passes
 * save evaluations and give the same loss and gradient within the solver's tolerance.
 */
import { describe, expect, it } from 'vitest';
import { CNF, type CnfOptions, cnfFromConfig } from '../../src/cnf/index.js';
import { ffjordMultiscale, ffjordMultiscaleFromConfig } from '../../src/flows/index.js';
import { tf } from '../../src/index.js';
import { disposeModel, eightGaussians } from './helpers.js';

const base: CnfOptions = {
  dim: 2,
  hidden: [16, 16],
  T: 0.5,
  solver: { method: 'dopri5', rtol: 1e-5, atol: 1e-5 },
  seed: 3,
};

/** One training pass: loss, forward NFE and every gradient, as numbers. */
function pass(m: CNF, x: tf.Tensor) {
  let nfe = 0;
  const { value, grads } = tf.variableGrads(
    () => {
      const r = m.trainLoss(x);
      nfe = Number(r.info.nfe);
      return r.loss as tf.Scalar;
    },
    [...m.params] as tf.Variable[],
  );
  const out = {
    loss: value.dataSync()[0],
    nfe,
    grads: m.params.map((p) => Array.from(grads[p.name].dataSync())),
  };
  tf.dispose([value, ...Object.values(grads)]);
  return out;
}

/**
 * The warm pass's loss and every gradient equal the cold pass's within the solver's tolerance
 * (rtol = atol = 1e-5; measured: loss within 1.2e-7 relative, gradients within 1.8e-6 of their
 * largest entry).
 */
function expectAgree(warm: ReturnType<typeof pass>, cold: ReturnType<typeof pass>): void {
  expect(Math.abs(warm.loss - cold.loss)).toBeLessThan(1e-5 * Math.max(1, Math.abs(cold.loss)));
  for (let i = 0; i < cold.grads.length; i++) {
    const scale = Math.max(...cold.grads[i].map(Math.abs));
    const err = Math.max(...cold.grads[i].map((g, j) => Math.abs(g - warm.grads[i][j])));
    expect(err).toBeLessThan(1e-4 * scale + 1e-7);
  }
}

describe('CNF warmStart', () => {
  it('the first pass is the cold one; later passes skip the initial step and agree within tolerance', () => {
    const x = eightGaussians(64, 5);
    const warm = new CNF(base);
    const cold = new CNF({ ...base, warmStart: false });
    expect(warm.config().warmStart).toBe(true);
    const before = tf.memory().numTensors;
    const [w1, c1] = [pass(warm, x), pass(cold, x)];
    expect(w1.loss).toBe(c1.loss);
    expect(w1.nfe).toBe(c1.nfe);
    const [w2, c2] = [pass(warm, x), pass(cold, x)];
    // cold passes repeat exactly; the warm one saves at least the heuristic's evaluation
    expect(c2.loss).toBe(c1.loss);
    expect(c2.nfe).toBe(c1.nfe);
    expect(w2.nfe).toBeLessThan(c2.nfe);
    expectAgree(w2, c2);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(x);
    disposeModel(warm);
    disposeModel(cold);
  });

  it('with the adjoint: its forward and its backward solve are warm-started, gradients agree', () => {
    const before = tf.memory().numTensors;
    const x = eightGaussians(64, 7);
    const opts: CnfOptions = { ...base, gradient: 'adjoint' };
    const warm = new CNF(opts);
    const cold = new CNF({ ...opts, warmStart: false });
    const run = (m: CNF) => ({ ...pass(m, x), backward: m.blocks[0].lastBackwardNfe });
    const [w1, c1] = [run(warm), run(cold)];
    expect(w1.loss).toBe(c1.loss);
    expect(w1.backward).toBe(c1.backward);
    const [w2, c2] = [run(warm), run(cold)];
    expect(c2.backward).toBe(c1.backward);
    expect(w2.nfe).toBeLessThan(c2.nfe);
    expect(w2.backward).toBeLessThan(c2.backward);
    expectAgree(w2, c2);
    tf.dispose(x);
    // the blocks hold what a pending adjoint gradient would read until their next pass or dispose
    warm.dispose();
    cold.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a firstStep in the training settings wins: every pass starts there', () => {
    const x = eightGaussians(32, 6);
    const m = new CNF({ ...base, train: { ...base.solver, firstStep: 0.05 } });
    const a = pass(m, x);
    const b = pass(m, x);
    expect(b.loss).toBe(a.loss);
    expect(b.nfe).toBe(a.nfe);
    tf.dispose(x);
    disposeModel(m);
  });

  it('is a boolean option (named in the error) and survives the config (the checkpoint path)', () => {
    expect(() => new CNF({ ...base, warmStart: 'yes' as unknown as boolean })).toThrow(/warmStart/);
    const m = new CNF({ ...base, warmStart: false });
    expect(m.config().warmStart).toBe(false);
    const rebuilt = cnfFromConfig(m.config());
    expect(rebuilt.config().warmStart).toBe(false);
    // a config written before the option (no key) rebuilds with the default
    const { warmStart: _, ...older } = m.config();
    const fresh = cnfFromConfig(older);
    expect(fresh.config().warmStart).toBe(true);
    // FFJORD's multiscale model passes it to its blocks and keeps it in its config
    const ms = ffjordMultiscale({ dim: 2, warmStart: false });
    expect(ms.config().warmStart).toBe(false);
    const msBack = ffjordMultiscaleFromConfig(ms.config());
    expect(msBack.config().warmStart).toBe(false);
    for (const x of [m, rebuilt, fresh, ms, msBack]) x.dispose();
  });
});

/**
 * The read-free CNF path on wasm: cnfLogProbAsync equals CNF.logProb, and the two-phase training
 * loss (async plan, then replay under the tape) has the gradient of CNF.trainLoss — with every
 * synchronous read disabled while the async path runs.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { cnfLogProbAsync, cnfTrainLossReplay, cnfTrainPlanAsync } from '../../src/cnf/cnf-async.js';
import { tf } from '../../src/index.js';
import { disposeModel, eightGaussians, smallCnf } from '../cnf/helpers.js';
import { relErr } from '../gradients/helpers.js';
import { withoutSyncReads } from './no-sync-reads.js';

const x = eightGaussians(32, 3);
afterAll(() => x.dispose());

describe.each([
  ['rk4', { method: 'rk4', stepSize: 0.1 }],
  ['dopri5', { method: 'dopri5', rtol: 1e-4, atol: 1e-4, stepSize: undefined }],
] as const)('CNF, %s', (_name, solver) => {
  it('cnfLogProbAsync = logProb, with no synchronous read', async () => {
    const cnf = smallCnf({ ...solver, blocks: 2 });
    const sync = cnf.logProb(x);
    const before = tf.memory().numTensors;
    const { value: lp, attempts } = await withoutSyncReads(() => cnfLogProbAsync(cnf, x));
    expect(attempts).toBe(0);
    expect(relErr(await lp.data(), sync.dataSync())).toBeLessThan(1e-6);
    lp.dispose();
    expect(tf.memory().numTensors).toBe(before);
    sync.dispose();
    disposeModel(cnf);
  });

  it('plan + replay has the gradient of trainLoss (trainable end times), reading nothing', async () => {
    const cnf = smallCnf({ ...solver, blocks: 2 });
    const vars = [...cnf.params] as tf.Variable[];
    const ref = tf.variableGrads(() => cnf.trainLoss(x).loss as tf.Scalar, vars);
    const before = tf.memory().numTensors;
    const { value: got, attempts } = await withoutSyncReads(async () => {
      const plan = await cnfTrainPlanAsync(cnf, x);
      return tf.variableGrads(() => cnfTrainLossReplay(cnf, x, plan) as tf.Scalar, vars);
    });
    expect(attempts).toBe(0);
    expect(got.value.dataSync()[0]).toBeCloseTo(ref.value.dataSync()[0], 5);
    const flat = (g: Record<string, tf.Tensor>) => vars.flatMap((v) => Array.from(g[v.name].dataSync()));
    expect(relErr(flat(got.grads), flat(ref.grads))).toBeLessThan(1e-5);
    expect(cnf.sqrtEndTimes.every((s) => got.grads[s.name] !== undefined)).toBe(true);
    tf.dispose([got.value, ...Object.values(got.grads)]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([ref.value, ...Object.values(ref.grads)]);
    disposeModel(cnf);
  });
});

it('names what the async path does not support', async () => {
  const cnf = smallCnf({ divergence: 'hutchinson' });
  await expect(cnfTrainPlanAsync(cnf, x)).rejects.toThrow(/exact divergence.*divergence 'hutchinson'/);
  disposeModel(cnf);
});

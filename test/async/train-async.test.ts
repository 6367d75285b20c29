/**
 * A whole training run with reads 'async' (what `train` does on WebGPU) on wasm, with every
 * synchronous read made to throw: the same history (losses, gradient norms, reported terms,
 * held-out NLL) as the synchronous run of an identically built model, checkpoints included,
 * and no tensor left behind. Also: a model without trainPassAsync is refused by name.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { tf } from '../../solvers/tf.js';
import { toySampler } from '../../src/data/index.js';
import type { DensityModel } from '../../src/model.js';
import { createModel, loadCheckpoint, train } from '../../src/node.js';
import { relErr } from '../gradients/helpers.js';
import { withoutSyncReads } from './no-sync-reads.js';

const CNF = {
  dim: 2,
  hidden: [16, 16],
  seed: 2,
  solver: { method: 'dopri5', rtol: 1e-4, atol: 1e-4 },
  kinetic: 0.01,
};

it.each([
  ['cnf (dopri5, trainable T, kinetic regularizer)', 'cnf', CNF],
  ['cnf (Hutchinson)', 'cnf', { ...CNF, kinetic: 0, divergence: 'hutchinson' }],
  // the adjoint trains through the model's own read-free gradient (lossAndGradientsAsync)
  ['cnf (adjoint gradient)', 'cnf', { ...CNF, gradient: 'adjoint' }],
  ['realnvp', 'realnvp', { dim: 2, hidden: [16], layers: 4, seed: 2 }],
  ['flow matching (exact OT)', 'flow-matching', { dim: 2, hidden: [16, 16], seed: 2 }],
] as const)(
  "%s: reads 'async' gives the numbers of reads 'sync', reading nothing synchronously",
  async (_n, kind, cfg) => {
    const run = async (reads: 'sync' | 'async', dir: string) => {
      const model = createModel(kind, cfg);
      const r = await train(model, toySampler('8gaussians', 4), {
        iterations: 6,
        batchSize: 48,
        evalEvery: 3,
        testSize: 200,
        learningRate: 1e-2,
        checkpointDir: dir,
        progress: false,
        reads,
      });
      return { r, model };
    };
    const sync = await run('sync', mkdtempSync(join(tmpdir(), 'odeflow-sync-')));
    const before = tf.memory().numTensors;
    const dir = mkdtempSync(join(tmpdir(), 'odeflow-async-'));
    const { value: asy, attempts } = await withoutSyncReads(() => run('async', dir));
    expect(attempts).toBe(0);
    const a = asy.r.history;
    const s = sync.r.history;
    expect(a.length).toBe(6);
    for (let i = 0; i < a.length; i++) {
      expect(Object.keys(a[i].info).sort()).toEqual(Object.keys(s[i].info).sort());
      const pick = (h: typeof a) => [
        h[i].loss,
        h[i].gradNorm,
        ...Object.keys(s[i].info)
          .sort()
          .map((k) => h[i].info[k]),
      ];
      expect(relErr(pick(a), pick(s)), `iteration ${i + 1}`).toBeLessThan(1e-5);
      // an adjoint's backward NFE is this iteration's in both runs (compared above), and counted
      if ('nfeBackward' in s[i].info) expect(s[i].info.nfeBackward).toBeGreaterThan(0);
      expect(a[i].testNll === undefined).toBe(s[i].testNll === undefined);
      if (s[i].testNll !== undefined)
        expect(relErr([a[i].testNll ?? 0], [s[i].testNll ?? 0])).toBeLessThan(1e-5);
    }
    const weights = (m: DensityModel) => m.params.flatMap((p) => Array.from(p.dataSync()));
    expect(relErr(weights(asy.model), weights(sync.model))).toBeLessThan(1e-4);
    // the async run's checkpoint holds its final weights
    const saved = await loadCheckpoint(dir);
    expect(saved.state.iteration).toBe(6);
    expect(relErr(weights(saved.model), weights(asy.model))).toBe(0);
    for (const m of [saved.model, sync.model, asy.model]) for (const p of m.params) p.dispose();
    for (const t of saved.optimizer ?? []) t.tensor.dispose();
    // model params were created during the run; everything else was freed
    expect(tf.memory().numTensors).toBeLessThanOrEqual(before);
  },
);

it("refuses reads 'async' for a model without trainPassAsync, naming it", async () => {
  const m = createModel('realnvp', { dim: 2, hidden: [8], layers: 2 });
  const bare: DensityModel = {
    dim: 2,
    params: m.params,
    logProb: (x) => m.logProb(x),
    sample: (n) => m.sample(n),
    trainLoss: (x) => m.trainLoss(x),
    config: () => m.config(),
  };
  await expect(
    train(bare, toySampler('moons', 0), { iterations: 1, reads: 'async', progress: false }),
  ).rejects.toThrow(/reads 'async' needs the model's trainPassAsync; this 'realnvp' model has none/);
  for (const p of m.params) p.dispose();
});

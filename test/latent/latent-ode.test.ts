/**
 * A short version of examples/latent-ode.ts (torchdiffeq's latent_ode.py on irregularly sampled
 * spirals): the held-out reconstruction error at the observation times falls as the ELBO trains,
 * the interpolation error against the clean spirals falls too, and nothing leaks.
 */
import { describe, expect, it } from 'vitest';
import { runLatentOde } from '../../examples/latent-ode.js';
import { tf } from '../../solvers/tf.js';
import { irregularSpirals } from '../../src/data/irregular-spirals.js';

describe('latent ODE', () => {
  it('the held-out reconstruction error falls within 40 iterations', () => {
    // one-time constants (the ELU's cached scalars, tfjs's optimizer internals) appear on a first
    // short run; after it, a whole training run leaves nothing behind
    runLatentOde({ iters: 1, batchSize: 4, nTrain: 8, nTest: 2, evalEvery: 1, log: () => {} });
    const before = tf.memory().numTensors;
    const r = runLatentOde({ iters: 40, batchSize: 16, nTrain: 64, nTest: 8, evalEvery: 20, log: () => {} });
    expect(tf.memory().numTensors).toBe(before);
    expect(r.evalIters).toEqual([0, 20, 40]);
    const [first, , last] = r.reconMse;
    expect(last).toBeLessThan(0.5 * first);
    expect(r.interpMse[2]).toBeLessThan(0.5 * r.interpMse[0]);
    for (const v of [...r.losses, ...r.reconMse, ...r.extrapMse]) expect(Number.isFinite(v)).toBe(true);
    // the figure has the truth, the observations, interpolation and extrapolation per spiral
    expect(r.figure.data.length).toBe(4 * 4);
  });

  it('irregular spirals: per-spiral increasing times inside the window, seeded', () => {
    const a = irregularSpirals({ n: 4, nObs: 10, seed: 3 });
    const b = irregularSpirals({ n: 4, nObs: 10, seed: 3 });
    expect(a).toEqual(b);
    expect(a.times[0]).not.toEqual(a.times[1]);
    for (const row of a.times) {
      expect(row.length).toBe(10);
      for (let j = 1; j < row.length; j++) expect(row[j]).toBeGreaterThan(row[j - 1]);
      expect(row[0]).toBeGreaterThan(0);
      expect(row[9]).toBeLessThanOrEqual(3);
    }
    expect(() => irregularSpirals({ tObs: 5, tEnd: 4 })).toThrow(/tObs ≤ tEnd/);
  });
});

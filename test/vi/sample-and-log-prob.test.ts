import { describe, expect, it } from 'vitest';
import { tf } from '../../solvers/tf.js';
import { CNF } from '../../src/cnf/cnf.js';
import type { FlowModel } from '../../src/core/flow-model.js';
import { maf } from '../../src/flows/maf.js';
import { realNVP } from '../../src/flows/realnvp.js';
import { planar, radial } from '../../src/flows/rm-flows.js';
import { perturb, read } from '../flows/helpers.js';

// reverse-KL fitting relies on sampleAndLogProb scoring its own draws as logProb would
const models: [string, () => FlowModel][] = [
  ['realnvp', () => realNVP({ dim: 2, seed: 1 })],
  ['maf', () => maf({ dim: 2, layers: 2, hidden: [16], seed: 1 })],
  ['planar', () => planar({ dim: 2, layers: 4, seed: 1 })],
  ['radial', () => radial({ dim: 2, layers: 4, seed: 1 })],
  [
    'cnf',
    () =>
      new CNF({
        dim: 2,
        hidden: [16, 16],
        T: 1,
        trainT: false,
        solver: { method: 'rk4', stepSize: 0.05 },
        seed: 1,
      }),
  ],
];

describe('sampleAndLogProb scores its draws as logProb does', () => {
  for (const [name, make] of models) {
    it(name, () => {
      const m = make();
      // RealNVP perturbed by 0.2 has scales large enough that float32 round-trips drift ~4e-4
      // (relative) through its 8 couplings; 0.05 keeps it well conditioned
      perturb(m.params as tf.Variable[], name === 'realnvp' ? 0.05 : 0.2, 5);
      const n0 = tf.memory().numTensors;
      const { x, logProb } = m.sampleAndLogProb(64, 3);
      const again = m.logProb(x);
      const a = read(logProb);
      const b = read(again);
      x.dispose();
      expect(tf.memory().numTensors).toBe(n0);
      // float32 through 8 couplings (realnvp) or 20 RK4 steps (cnf): relative agreement
      const err = Math.max(...a.map((v, i) => Math.abs(v - b[i]) / (1 + Math.abs(b[i]))));
      expect(err).toBeLessThan(name === 'cnf' ? 2e-4 : 1e-4);
      m.dispose();
    }, 30_000);
  }
});

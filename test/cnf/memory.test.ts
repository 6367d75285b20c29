import { describe, expect, it } from 'vitest';
import { CNF } from '../../src/cnf/index.js';
import { tf } from '../../src/index.js';
import { modelFromConfig } from '../../src/train/models.js';
import { eightGaussians, smallCnf } from './helpers.js';

describe('CNF training memory and config', () => {
  for (const gradient of ['backprop', 'adjoint'] as const) {
    it(`no tensor leaks over 50 Adam iterations (${gradient}, Hutchinson + regularizers)`, () => {
      const cnf = smallCnf({
        hidden: [8, 8],
        divergence: 'hutchinson',
        kinetic: 0.1,
        jacobian: 0.1,
        gradient,
        solver: { method: 'rk4', stepSize: 0.25 },
      });
      const opt = tf.train.adam(1e-3);
      const data = eightGaussians(16, 2);
      const step = () => opt.minimize(() => cnf.trainLoss(data).loss as tf.Scalar)?.dispose();
      step(); // creates the optimizer's slots
      const before = tf.memory().numTensors;
      let nfe = 0;
      for (let i = 0; i < 50; i++) {
        step();
        nfe = tf.tidy(() => {
          const r = cnf.trainLoss(data);
          return r.info.nfe;
        });
      }
      expect(nfe).toBe(4 * 3 + 1);
      expect(tf.memory().numTensors).toBe(before);
      opt.dispose();
      data.dispose();
      cnf.dispose();
    });
  }

  it("config() round-trips through the model table's 'cnf' entry to an identical model", () => {
    const a = smallCnf({ blocks: 2, kinetic: 0.3, divergence: 'hutchinson', noise: 'rademacher' });
    const b = modelFromConfig(JSON.parse(JSON.stringify(a.config())));
    expect(b).toBeInstanceOf(CNF);
    expect(b.config()).toEqual(a.config());
    const x = eightGaussians(5, 1);
    const [la, lb] = [a.logProb(x), b.logProb(x)];
    expect(Array.from(lb.dataSync())).toEqual(Array.from(la.dataSync()));
    tf.dispose([x, la, lb]);
    a.dispose();
    (b as CNF).dispose();
  });
});

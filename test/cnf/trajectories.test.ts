import { describe, expect, it } from 'vitest';
import { tf } from '../../src/index.js';
import { disposeModel, smallCnf } from './helpers.js';

describe('CNF.trajectories', () => {
  for (const blocks of [1, 2]) {
    it(`${blocks} block(s): [steps, n, D], first row the base draw, last row the sample`, () => {
      const cnf = smallCnf({ blocks, solver: { method: 'dopri5', rtol: 1e-6, atol: 1e-6 } });
      const paths = cnf.trajectories(7, { steps: 9, seed: 3 });
      expect(paths.shape).toEqual([9, 7, 2]);
      const z = tf.randomNormal([7, 2], 0, 1, 'float32', 3);
      const x = cnf.sample(7, 3);
      const first = tf.tidy(() => tf.max(tf.abs(tf.sub(tf.gather(paths, 0), z))).dataSync()[0]);
      const last = tf.tidy(() => tf.max(tf.abs(tf.sub(tf.gather(paths, 8), x))).dataSync()[0]);
      const moved = tf.tidy(() => tf.max(tf.abs(tf.sub(tf.gather(paths, 8), z))).dataSync()[0]);
      expect(first).toBe(0);
      expect(last).toBeLessThan(1e-3);
      expect(moved).toBeGreaterThan(1e-2);
      tf.dispose([paths, z, x]);
      disposeModel(cnf);
    });
  }
});

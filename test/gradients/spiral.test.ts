import { describe, expect, it } from 'vitest';
import { runSpiral } from '../../examples/spiral.js';
import { tf } from '../../solvers/tf.js';

// A short version of examples/spiral.ts (torchdiffeq's ode_demo): the training objective over all
// trajectory segments must fall at least 10× in 300 Adam steps, with either kind of gradient.
describe('examples/spiral.ts', () => {
  for (const adjoint of [false, true]) {
    it(`learns the spiral (${adjoint ? 'adjoint' : 'backprop'}): loss falls ≥ 10×`, () => {
      const before = tf.memory().numTensors;
      const lines: string[] = [];
      const r = runSpiral({ iters: 300, evalEvery: 100, adjoint, seed: 1, log: (l) => lines.push(l) });
      console.log(lines.join('\n'));
      expect(r.losses).toHaveLength(4);
      expect(r.losses[0] / r.losses[r.losses.length - 1]).toBeGreaterThanOrEqual(10);
      // the whole trajectory from y0 (25 time units) improves as well
      expect(r.trajectoryLosses[r.trajectoryLosses.length - 1]).toBeLessThan(r.trajectoryLosses[0] / 2);
      expect(r.trainLosses).toHaveLength(300);
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});

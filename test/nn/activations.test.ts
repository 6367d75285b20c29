import { describe, expect, it } from 'vitest';
import { tf } from '../../src/index.js';
import { ACTIVATIONS, type ActivationName, activation } from '../../src/nn/activations.js';

/** The activations as tfjs (or their definition) computes them. */
const REFERENCE: Record<ActivationName, (z: tf.Tensor) => tf.Tensor> = {
  tanh: (z) => tf.tanh(z),
  softplus: (z) => tf.softplus(z),
  swish: (z) => tf.mul(z, tf.sigmoid(z)),
  sigmoid: (z) => tf.sigmoid(z),
  elu: (z) => tf.elu(z),
  selu: (z) => tf.selu(z),
};

describe('activations in the folded form act(z) = α·g(c·z) + β', () => {
  const grid = Array.from({ length: 81 }, (_, i) => -4 + i * 0.1 + 0.003);
  for (const name of ACTIVATIONS) {
    it(`${name}: value equals the reference, g' equals a central difference of g`, () => {
      const a = activation(name);
      const z = tf.tensor1d(grid);
      const h = 1e-2;
      const [got, want, du, fd] = tf.tidy(() => {
        const core = a.core(tf.mul(z, a.c));
        const value = tf.add(tf.mul(core.u, a.alpha), a.beta);
        const gp = a.core(tf.add(z, h)).u;
        const gm = a.core(tf.sub(z, h)).u;
        return [value, REFERENCE[name](z), a.core(z).du, tf.div(tf.sub(gp, gm), 2 * h)].map((t) =>
          Array.from(t.dataSync()),
        );
      });
      z.dispose();
      for (let i = 0; i < grid.length; i++) {
        expect(Math.abs(got[i] - want[i])).toBeLessThan(1e-5 * Math.max(1, Math.abs(want[i])));
        // selu's derivative jumps at 0 (1 vs α): no central difference across the kink
        if (Math.abs(grid[i]) > 2 * h) {
          expect(Math.abs(du[i] - fd[i])).toBeLessThan(2e-3 * Math.max(1, Math.abs(fd[i])));
        }
      }
    });
  }
});

import { describe, expect, it } from 'vitest';
import { mlpField, tf } from '../../src/index.js';

/** A plain field call pushes no tangents: nothing it creates may grow with B² (issue 11, point 8). */
describe('mlpField call without tangents', () => {
  for (const layer of ['concat', 'concatsquash'] as const) {
    it(`${layer}: no [B, B, D] tensor, same value as jvp's f, no leaks`, async () => {
      const batch = 128;
      const dim = 16;
      const f = mlpField({ dim, hidden: [32, 32], layer });
      const x = tf.randomNormal([batch, dim], 0, 1, 'float32', 3);
      const before = tf.memory().numTensors;
      const profile = await tf.profile(() => f(0.3, x));
      const value = profile.result as tf.Tensor;
      const largest = Math.max(
        ...profile.kernels.flatMap((k) => k.outputShapes.map((s) => (s ?? []).reduce((a, b) => a * b, 1))),
      );
      expect(largest).toBeLessThanOrEqual(batch * 32);
      expect(profile.kernels.map((k) => k.name)).not.toContain('Tile');
      const { f: ref, jv } = f.jvp(0.3, x, 'identity');
      expect(tf.tidy(() => tf.max(tf.abs(tf.sub(value, ref))).dataSync()[0])).toBe(0);
      tf.dispose([value, ref, jv]);
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([x, ...f.params]);
    });
  }
});

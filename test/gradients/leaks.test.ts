import { afterAll, describe, expect, it } from 'vitest';
import { odeintAdjoint } from '../../solvers/adjoint.js';
import { odeint } from '../../solvers/odeint.js';
import { tf } from '../../solvers/tf.js';
import { disposeModule, mlpModule, seededTensor } from './helpers.js';

const f = mlpModule(2, 8, 3);
const y0 = seededTensor([4, 2], 13, 1);
const target = seededTensor([3, 4, 2], 23, 1);
const ts = [0, 0.5, 1];

afterAll(() => {
  disposeModule(f);
  tf.dispose([y0, target]);
});

describe('no tensor leaks across 100 gradient steps (tf.train.adam minimize)', () => {
  for (const [mode, solve] of [
    [
      'adjoint (dopri5, seminorm)',
      () => odeintAdjoint(f, y0, ts, { rtol: 1e-3, atol: 1e-4, adjointNorm: 'seminorm' }),
    ],
    ['adjoint (rk4)', () => odeintAdjoint(f, y0, ts, { method: 'rk4', stepSize: 0.1 })],
    ['backprop (dopri5)', () => odeint(f, y0, ts, { rtol: 1e-3, atol: 1e-4 })],
  ] as const) {
    it(mode, () => {
      const opt = tf.train.adam(1e-2);
      const loss = () => tf.mean(tf.square(tf.sub(solve(), target))) as tf.Scalar;
      const first = opt.minimize(loss, true, f.params as tf.Variable[]);
      first?.dispose();
      const after1 = tf.memory().numTensors; // Adam's slots exist from here on
      let last = Number.NaN;
      for (let i = 1; i < 100; i++) {
        const l = opt.minimize(loss, true, f.params as tf.Variable[]);
        last = l?.dataSync()[0] ?? Number.NaN;
        l?.dispose();
      }
      expect(tf.memory().numTensors).toBe(after1);
      expect(Number.isFinite(last)).toBe(true);
      opt.dispose();
    });
  }
});

import { afterAll, describe, expect, it } from 'vitest';
import { odeintAdjoint } from '../../solvers/adjoint.js';
import { solveIvp } from '../../solvers/odeint.js';
import { tf } from '../../solvers/tf.js';
import type { MethodName, OdeintOptions } from '../../solvers/types.js';
import { disposeModule, finiteDifferences, flatGrads, mlpModule, relErr, seededTensor } from './helpers.js';

// A nonlinear, non-autonomous field (tanh MLP 2-3-2, 17 parameters) on a batch of 3 points, output
// at three times; loss = Σ w ⊙ ys with fixed weights, so every output time contributes.
const f = mlpModule(2, 3, 11);
const y0 = tf.tidy(() => tf.variable(seededTensor([3, 2], 21, 1)));
const weights = seededTensor([3, 3, 2], 31, 1);
const vars = [y0, ...f.params] as tf.Variable[];
const ts = [0, 0.6, 1.2];

const FIXED: MethodName[] = ['euler', 'midpoint', 'heun', 'rk4', 'rk38'];
const ADAPTIVE: MethodName[] = ['bosh3', 'dopri5', 'tsit5', 'dop853'];
// Adaptive tolerances: tight, and where no probe x ± h lands on a different number of steps (checked
// below). dop853 at 1e-6 takes 3 steps here with a 4th just at the threshold, so it gets 3e-6.
const TOL: Partial<Record<MethodName, number>> = { bosh3: 1e-6, dopri5: 1e-6, tsit5: 1e-6, dop853: 3e-6 };
const optionsOf = (method: MethodName): OdeintOptions =>
  FIXED.includes(method) ? { method, stepSize: 0.1 } : { method, rtol: TOL[method], atol: TOL[method] };

afterAll(() => {
  disposeModule(f);
  y0.dispose();
  weights.dispose();
});

describe('gradients w.r.t. y0 and parameters vs central finite differences (float32)', () => {
  for (const method of [...FIXED, ...ADAPTIVE]) {
    it(`${method}: backprop and adjoint within 1e-2`, () => {
      const o = optionsOf(method);
      const stepCounts = new Set<number>();
      const lossValue = () =>
        tf.tidy(() => {
          const { ys, stats } = solveIvp(f, y0, ts, o);
          stepCounts.add(stats.steps);
          return tf.sum(tf.mul(ys, weights)).dataSync()[0];
        });
      const fd = finiteDifferences(lossValue, vars);
      const backprop = flatGrads(() => tf.sum(tf.mul(solveIvp(f, y0, ts, o).ys, weights)), vars);
      const adjoint = flatGrads(() => tf.sum(tf.mul(odeintAdjoint(f, y0, ts, o), weights)), vars);
      // the finite differences probed one step sequence only: the gradients compare like with like
      expect(stepCounts.size).toBe(1);
      expect(relErr(backprop, fd)).toBeLessThan(1e-2);
      expect(relErr(adjoint, fd)).toBeLessThan(1e-2);
      expect(fd.every(Number.isFinite)).toBe(true);
      expect(Math.max(...fd.map(Math.abs))).toBeGreaterThan(0.05);
    });
  }
});

import { describe, expect, it } from 'vitest';
import type { CnfOptions } from '../../src/cnf/index.js';
import { tf } from '../../src/index.js';
import { probeNoise } from '../../src/nn/index.js';
import { disposeModel, eightGaussians, smallCnf } from './helpers.js';

/**
 * Gradients of trainLoss by first-order autodiff (through the solver, or by the adjoint) against
 * central finite differences of the loss, for the entry of largest gradient in several variables
 * (the weights of every layer and the end time's s). Fixed-step rk4 with a fixed
 * number of steps, and fixed Hutchinson noise, so the loss is a smooth function of the parameters:
 * a dropped term of a nested gradient would show up here.
 */
function checkGradients(extra: Partial<CnfOptions>, tol = 1e-2): void {
  const cnf = smallCnf({ hidden: [8, 8], ...extra });
  const x = eightGaussians(12, 5);
  const noise = [probeNoise(cnf.config().noise as 'gaussian', [12, 2], 3)];
  const lossOf = () => tf.tidy(() => cnf.trainLoss(x, { noise }).loss.dataSync()[0]);
  const { grads } = tf.variableGrads(() => cnf.trainLoss(x, { noise }).loss as tf.Scalar);
  const f0 = cnf.fields[0];
  // the weights of each layer, the gate's g and c and the time weights d of the middle layer,
  // the last bias, and the end time's s
  const mid = f0.layers[1].params;
  const picks = [
    f0.layers[0].params[0],
    mid[0],
    mid[2],
    mid[3],
    mid[4],
    f0.layers[2].params[0],
    f0.layers[2].params[1],
  ];
  if (extra.trainT !== false) picks.push(cnf.sqrtEndTimes[0]);
  let checked = 0;
  for (const v of picks) {
    const g = grads[v.name].dataSync();
    let idx = 0;
    for (let i = 1; i < g.length; i++) if (Math.abs(g[i]) > Math.abs(g[idx])) idx = i;
    // a variable with a tiny gradient (a gate slope, say) is skipped: float32 differences cannot resolve it
    if (Math.abs(g[idx]) < 5e-3 && v !== f0.layers[0].params[0]) continue;
    checked++;
    const orig = v.dataSync().slice();
    // float32 loss: a step large enough that round-off (~1e-6 / h) stays far below 1e-2 relative;
    // s moves T = s² within (0.5, 0.6), so the rk4 step count (6) does not change
    const h = v === cnf.sqrtEndTimes[0] ? 1e-2 : 5e-2;
    const at = (delta: number) => {
      const w = orig.slice();
      w[idx] += delta;
      v.assign(tf.tensor(w, v.shape));
      return lossOf();
    };
    // Richardson-extrapolated central difference (h and h/2) removes the O(h²) term
    const d1 = (at(h) - at(-h)) / (2 * h);
    const d2 = (at(h / 2) - at(-h / 2)) / h;
    const fd = (4 * d2 - d1) / 3;
    v.assign(tf.tensor(orig, v.shape));
    expect(Math.abs(g[idx])).toBeGreaterThan(5e-3);
    expect(Math.abs(g[idx] - fd) / Math.abs(fd)).toBeLessThan(tol);
  }
  expect(checked).toBeGreaterThanOrEqual(5);
  tf.dispose(grads);
  tf.dispose([x, ...noise]);
  disposeModel(cnf);
}

describe('trainLoss gradients match finite differences', () => {
  it('exact divergence, backprop', () => checkGradients({ divergence: 'exact' }));
  it('Hutchinson (gaussian, fixed noise), backprop', () => checkGradients({ divergence: 'hutchinson' }));
  it('exact divergence with kinetic + Jacobian regularizers, backprop', () =>
    checkGradients({ divergence: 'exact', kinetic: 0.5, jacobian: 0.5 }));
  it('Hutchinson (rademacher) with regularizers, backprop', () =>
    checkGradients({ divergence: 'hutchinson', noise: 'rademacher', kinetic: 0.5, jacobian: 0.5 }));
  it('exact divergence with regularizers, adjoint', () =>
    checkGradients({ divergence: 'exact', kinetic: 0.5, jacobian: 0.5, gradient: 'adjoint' }));
  it('Hutchinson with regularizers, adjoint', () =>
    checkGradients({ divergence: 'hutchinson', kinetic: 0.5, jacobian: 0.5, gradient: 'adjoint' }));
});

// The generic path (tangents propagated layer by layer, differentiated by tfjs autodiff): the
// reference the fused op is compared with in fused.test.ts, and the only path for swish and elu.
describe('trainLoss gradients match finite differences on the autodiff path (fused: false)', () => {
  it('tanh, exact divergence with regularizers, backprop', () =>
    checkGradients({ fused: false, divergence: 'exact', kinetic: 0.5, jacobian: 0.5 }));
  it('swish, exact divergence with regularizers, backprop', () =>
    checkGradients({ fused: false, activation: 'swish', divergence: 'exact', kinetic: 0.5, jacobian: 0.5 }));
  it('elu, exact divergence with regularizers, backprop', () =>
    checkGradients({ fused: false, activation: 'elu', divergence: 'exact', kinetic: 0.5, jacobian: 0.5 }));
  it('swish, Hutchinson, adjoint', () =>
    checkGradients({ fused: false, activation: 'swish', divergence: 'hutchinson', gradient: 'adjoint' }));
  it('elu, Hutchinson, adjoint', () =>
    checkGradients({ fused: false, activation: 'elu', divergence: 'hutchinson', gradient: 'adjoint' }));
});

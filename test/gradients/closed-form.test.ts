import { afterAll, describe, expect, it } from 'vitest';
import { odeintAdjoint } from '../../solvers/adjoint.js';
import { odeint } from '../../solvers/odeint.js';
import { type Tensor, tf } from '../../solvers/tf.js';
import type { OdeintOptions } from '../../solvers/types.js';

// dy/dt = θ·y, y(0) = y0: y(T) = y0·e^{θT}, so ∂y(T)/∂θ = y0·T·e^{θT} and ∂y(T)/∂y0 = e^{θT}.
const theta0 = 0.7;
const y0Value = 1.3;
const T = 1.5;
const theta = tf.tidy(() => tf.variable(tf.scalar(theta0)));
const y0 = tf.tidy(() => tf.variable(tf.scalar(y0Value)));
const f = Object.assign((_t: number, y: Tensor) => tf.mul(theta, y), { params: [theta] });
const exact = { dTheta: y0Value * T * Math.exp(theta0 * T), dY0: Math.exp(theta0 * T) };

afterAll(() => {
  theta.dispose();
  y0.dispose();
});

function gradsOf(solve: () => Tensor) {
  // loss = y(T): the last row of the solution
  const { value, grads } = tf.variableGrads(() => tf.sum(tf.slice(solve(), [1], [1])), [theta, y0]);
  const out = { dTheta: grads[theta.name].dataSync()[0], dY0: grads[y0.name].dataSync()[0] };
  tf.dispose([value, grads[theta.name], grads[y0.name]]);
  return out;
}

const cases: [string, OdeintOptions][] = [
  ['dopri5 rtol=atol=1e-6', { rtol: 1e-6, atol: 1e-6 }],
  ['rk4 stepSize=0.01', { method: 'rk4', stepSize: 0.01 }],
];

describe('dy/dt = θ·y: gradients vs the closed form y0·T·e^{θT}', () => {
  for (const [name, o] of cases) {
    it(`${name}: backprop within 1e-3`, () => {
      const g = gradsOf(() => odeint(f, y0, [0, T], o));
      expect(Math.abs(g.dTheta / exact.dTheta - 1)).toBeLessThan(1e-3);
      expect(Math.abs(g.dY0 / exact.dY0 - 1)).toBeLessThan(1e-3);
    });
    it(`${name}: adjoint within 1e-3`, () => {
      const g = gradsOf(() => odeintAdjoint(f, y0, [0, T], o));
      expect(Math.abs(g.dTheta / exact.dTheta - 1)).toBeLessThan(1e-3);
      expect(Math.abs(g.dY0 / exact.dY0 - 1)).toBeLessThan(1e-3);
    });
  }
  it('adjoint backward in time (ts decreasing) matches d/dθ of y0·e^{-θT}', () => {
    const { value, grads } = tf.variableGrads(
      () => tf.sum(tf.slice(odeintAdjoint(f, y0, [T, 0], { rtol: 1e-6, atol: 1e-6 }), [1], [1])),
      [theta],
    );
    const want = -y0Value * T * Math.exp(-theta0 * T);
    expect(Math.abs(grads[theta.name].dataSync()[0] / want - 1)).toBeLessThan(1e-3);
    tf.dispose([value, grads[theta.name]]);
  });
});

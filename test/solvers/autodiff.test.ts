/**
 * odeint is differentiable by tfjs autodiff (discretise-then-optimise), also when f returns its
 * input (dy/dt = a·y with the identity inside): d y(1) / d y0 = e^{a} against the closed form,
 * and d y(1) / d a against a central finite difference of the solver itself.
 */
import { expect, it } from 'vitest';
import { odeint, tf } from '../../src/index.js';

it.each(['dopri5', 'rk4', 'dop853'] as const)('%s: gradients wrt y0 and a parameter', (method) => {
  const opts = method === 'rk4' ? { method, stepSize: 0.05 } : { method, rtol: 1e-5, atol: 1e-6 };
  const a = -0.7;
  const y0 = tf.tensor1d([1, 2]);
  const before = tf.memory().numTensors;
  const gY0 = tf.grad((y: tf.Tensor) =>
    tf.sum(
      tf.slice(
        odeint((_t, z) => tf.mul(z, a), y, [0, 1], opts),
        [1],
        [1],
      ),
    ),
  )(y0);
  expect(tf.memory().numTensors).toBe(before + 1);
  for (const g of gY0.arraySync() as number[]) expect(g).toBeCloseTo(Math.exp(a), 4);
  const end = (p: tf.Tensor) =>
    tf.sum(
      tf.slice(
        odeint((_t, z) => tf.mul(z, p), y0, [0, 1], opts),
        [1],
        [1],
      ),
    );
  const gA = tf.grad(end)(tf.scalar(a)).arraySync() as number;
  const eps = 1e-2;
  const fd =
    ((end(tf.scalar(a + eps)).arraySync() as number) - (end(tf.scalar(a - eps)).arraySync() as number)) /
    (2 * eps);
  // exact: d/da (3 e^{a}) = 3 e^{a}
  expect(gA).toBeCloseTo(3 * Math.exp(a), 2);
  expect(Math.abs(gA - fd)).toBeLessThan(2e-3);
  // identity right-hand side: the solver clones it; the gradient still flows
  const gId = tf.grad((y: tf.Tensor) =>
    tf.sum(
      tf.slice(
        odeint((_t, z) => z, y, [0, 1], opts),
        [1],
        [1],
      ),
    ),
  )(y0);
  for (const g of gId.arraySync() as number[]) expect(g).toBeCloseTo(Math.E, 3);
});

import { afterAll, describe, expect, it } from 'vitest';
import { odeintAdjoint } from '../../solvers/adjoint.js';
import { odeint } from '../../solvers/odeint.js';
import { type Tensor, tf } from '../../solvers/tf.js';
import type { OdeFunc } from '../../solvers/types.js';
import { disposeModule, mlpModule, peakProbe, seededTensor } from './helpers.js';

const field = mlpModule(2, 8, 7);
const y0 = tf.tidy(() => tf.variable(seededTensor([4, 2], 17, 1)));
const vars = [y0, ...field.params] as tf.Variable[];

afterAll(() => {
  disposeModule(field);
  y0.dispose();
});

type Solve = (f: OdeFunc, y0: Tensor, ts: number[], o: object) => Tensor;
const backprop: Solve = (f, x, ts, o) => odeint(f, x, ts, o);
const adjoint: Solve = (f, x, ts, o) => odeintAdjoint(f, x, ts, { ...o, params: field.params });

/** Peak live tensors and bytes above the starting point, seen from inside f, during one gradient. */
function peakDuringGradient(solve: Solve, steps: number) {
  const probe = peakProbe(field);
  const before = tf.memory();
  const { value, grads } = tf.variableGrads(
    () => tf.sum(solve(probe.f, y0, [0, 1], { method: 'rk4', stepSize: 1 / steps })),
    vars,
  );
  tf.dispose([value, ...Object.values(grads)]);
  const after = tf.memory();
  expect(after.numTensors).toBe(before.numTensors);
  return { tensors: probe.peakTensors - before.numTensors, bytes: probe.peakBytes - before.numBytes };
}

describe('memory during the gradient (rk4, fixed steps), probed inside f', () => {
  it('adjoint: the same peak for 10 and 1000 steps; backprop: grows with the steps', () => {
    const adj10 = peakDuringGradient(adjoint, 10);
    const adj1000 = peakDuringGradient(adjoint, 1000);
    const bp10 = peakDuringGradient(backprop, 10);
    const bp1000 = peakDuringGradient(backprop, 1000);
    expect(adj1000).toEqual(adj10);
    // backprop keeps every step's tensors for its backward pass: at least 1000 more alive
    expect(bp1000.tensors).toBeGreaterThan(bp10.tensors + 1000);
    expect(bp1000.bytes).toBeGreaterThan(10 * bp10.bytes);
    console.log(JSON.stringify({ adj10, adj1000, bp10, bp1000 }));
  });
});

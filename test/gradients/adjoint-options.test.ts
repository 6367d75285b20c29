import { afterAll, describe, expect, it } from 'vitest';
import { odeintAdjoint } from '../../solvers/adjoint.js';
import { OdeOptionError } from '../../solvers/errors.js';
import { type Tensor, tf } from '../../solvers/tf.js';
import type { SolveStats } from '../../solvers/types.js';

const theta = tf.tidy(() => tf.variable(tf.scalar(0.5)));
const plain = (_t: number, y: Tensor) => tf.mul(theta, y);
const module = Object.assign((t: number, y: Tensor) => plain(t, y), { params: [theta] });
const y0 = tf.tensor1d([1, 2]);

afterAll(() => {
  theta.dispose();
  y0.dispose();
});

describe('odeintAdjoint options and parameters', () => {
  it('params default to f.params for an OdeModule', () => {
    const { value, grads } = tf.variableGrads(() =>
      tf.sum(odeintAdjoint(module, y0, [0, 1], { rtol: 1e-6 })),
    );
    // d/dθ Σ_i y0_i e^{θ} = 3e^{θ} (the ts[0] row does not depend on θ)
    expect(grads[theta.name].dataSync()[0]).toBeCloseTo(3 * Math.exp(0.5), 3);
    tf.dispose([value, grads[theta.name]]);
  });

  it('without params (plain function) the gradient reaches y0 only', () => {
    const g = tf.grad((x: Tensor) => tf.sum(odeintAdjoint(plain, x, [0, 1], { rtol: 1e-6 })))(y0);
    for (const v of g.dataSync()) expect(v).toBeCloseTo(1 + Math.exp(0.5), 4);
    g.dispose();
    // θ is unreachable: tfjs says no gradient path leads to it
    expect(() => tf.variableGrads(() => tf.sum(odeintAdjoint(plain, y0, [0, 1])), [theta])).toThrow();
  });

  it('explicit params override f.params; unused parameters get zero gradients', () => {
    const unused = tf.tidy(() => tf.variable(tf.tensor2d([[1, 2]])));
    const { value, grads } = tf.variableGrads(
      () => tf.sum(odeintAdjoint(module, y0, [0, 1], { params: [theta, unused] })),
      [theta, unused],
    );
    expect(Array.from(grads[unused.name].dataSync())).toEqual([0, 0]);
    expect(grads[unused.name].shape).toEqual([1, 2]);
    tf.dispose([value, ...Object.values(grads), unused]);
  });

  it('reports forward and backward counts', () => {
    const seen: SolveStats[] = [];
    const { value, grads } = tf.variableGrads(() =>
      tf.sum(
        odeintAdjoint(module, y0, [0, 0.5, 1], {
          method: 'rk4',
          stepSize: 0.1,
          onForwardStats: (s) => seen.push(s),
          onBackwardStats: (s) => seen.push(s),
        }),
      ),
    );
    tf.dispose([value, ...Object.values(grads)]);
    expect(seen).toEqual([
      { nfe: 40, steps: 10, rejected: 0 },
      { nfe: 40, steps: 10, rejected: 0 },
    ]);
  });

  it("adjointFirstStep starts the backward solve there; the backward stats' warmStep is a good one", () => {
    const run = (extra: object) => {
      const seen: SolveStats[] = [];
      const { value, grads } = tf.variableGrads(() =>
        tf.sum(
          odeintAdjoint(module, y0, [0, 1], {
            rtol: 1e-6,
            atol: 1e-6,
            onBackwardStats: (st) => seen.push(st),
            ...extra,
          }),
        ),
      );
      const g = grads[theta.name].dataSync()[0];
      tf.dispose([value, ...Object.values(grads)]);
      return { g, stats: seen[0] };
    };
    const cold = run({});
    const h = cold.stats.warmStep as number;
    expect(h).toBeGreaterThan(0);
    const warm = run({ adjointFirstStep: h });
    // no initial-step evaluation, and the same gradient 3e^θ within the tolerance
    expect(warm.stats.nfe).toBe(6 * (warm.stats.steps + warm.stats.rejected) + 1);
    expect(warm.stats.nfe).toBeLessThan(cold.stats.nfe);
    expect(Math.abs(warm.g - 3 * Math.exp(0.5))).toBeLessThan(1e-4);
    expect(Math.abs(cold.g - 3 * Math.exp(0.5))).toBeLessThan(1e-4);
  });

  it('rejects bad options with errors that name them', () => {
    const bad = (o: object) => () => odeintAdjoint(module, y0, [0, 1], o);
    expect(bad({ adjointNorm: 'max' })).toThrow(/adjointNorm/);
    expect(bad({ adjointRtol: 0 })).toThrow(/rtol/);
    expect(bad({ adjointMethod: 'rk5' })).toThrow(/method/);
    expect(bad({ adjointStepSize: 0.1 })).toThrow(/adjointStepSize/);
    expect(bad({ adjointFirstStep: 0 })).toThrow(
      /adjointFirstStep = 0 is invalid: expected a finite number > 0/,
    );
    expect(bad({ adjointFirstStep: 0.1, method: 'rk4', stepSize: 0.1 })).toThrow(
      /adjointFirstStep is for adaptive methods; adjointMethod 'rk4' is fixed-step/,
    );
    expect(bad({ stepsize: 0.1 })).toThrow(/unknown option 'stepsize'/);
    expect(bad({ params: [theta, theta] })).toThrow(/twice/);
    expect(bad({ params: [1] })).toThrow(OdeOptionError);
  });

  it('a gradient of the adjoint gradient throws instead of returning wrong numbers', () => {
    const inner = (x: Tensor) => tf.sum(odeintAdjoint(plain, x, [0, 1]));
    expect(() => tf.grad((x: Tensor) => tf.sum(tf.grad(inner)(x)))(y0)).toThrow(/higher-order/);
  });
});

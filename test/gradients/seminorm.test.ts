import { afterAll, describe, expect, it } from 'vitest';
import { odeintAdjoint } from '../../solvers/adjoint.js';
import { tf } from '../../solvers/tf.js';
import type { SolveStats } from '../../solvers/types.js';
import { disposeModule, flatGrads, mlpModule, relErr, seededTensor } from './helpers.js';

// Many parameters (tanh MLP 2-128-2: 642) against 2·32 state + adjoint elements.
const f = mlpModule(2, 128, 5, 2);
const y0 = seededTensor([16, 2], 9, 1.5);
const ts = [0, 2, 4, 6];

afterAll(() => {
  disposeModule(f);
  y0.dispose();
});

function backward(norm: 'rms' | 'seminorm') {
  let stats: SolveStats | undefined;
  const grads = flatGrads(
    () =>
      tf.sum(
        tf.square(
          odeintAdjoint(f, y0, ts, {
            rtol: 1e-5,
            atol: 1e-5,
            adjointNorm: norm,
            onBackwardStats: (s) => {
              stats = s;
            },
          }),
        ),
      ),
    f.params as tf.Variable[],
  );
  if (!stats) throw new Error('onBackwardStats was not called');
  return { stats, grads };
}

describe('seminorm (Kidger, Chen & Lyons 2021)', () => {
  it('takes fewer backward function evaluations than the full RMS norm, same gradients', () => {
    const rms = backward('rms');
    const semi = backward('seminorm');
    console.log(`backward NFE: rms ${rms.stats.nfe}, seminorm ${semi.stats.nfe}`);
    expect(semi.stats.nfe).toBeLessThan(rms.stats.nfe);
    expect(semi.stats.steps).toBeLessThan(rms.stats.steps);
    expect(relErr(semi.grads, rms.grads)).toBeLessThan(1e-3);
  });
});

describe('seminorm: the initial step too', () => {
  it('steps of [y, junk] measured on y alone equal the steps of y alone (initial step included)', async () => {
    const { solveList } = await import('../../solvers/odeint.js');
    const { resolveOptions } = await import('../../solvers/options.js');
    const o = resolveOptions({ rtol: 1e-5, atol: 1e-6 });
    const n = 2;
    // y' = −y + sin t (leading 2 elements); the trailing 3 grow fast and large, and their error
    // must steer nothing — neither the initial step nor any later one.
    const fy = (t: number, y: tf.Tensor) => tf.add(tf.neg(y), Math.sin(t));
    const fz = (t: number, z: tf.Tensor) =>
      tf.concat([fy(t, tf.slice(z, 0, n)), tf.mul(tf.slice(z, n, 3), 40 * (1 + Math.cos(30 * t)))]);
    const y0 = tf.tensor1d([1, -0.5]);
    const z0 = tf.tensor1d([1, -0.5, 1e3, -2e3, 5e2]);
    const alone = solveList(fy, y0, [0, 1], o);
    const semi = solveList(fz, z0, [0, 1], { ...o, normLength: n });
    const full = solveList(fz, z0, [0, 1], o);
    expect(semi.stepEnds).toEqual(alone.stepEnds);
    expect(semi.stats.rejected).toBe(alone.stats.rejected);
    expect(full.stats.steps).toBeGreaterThan(alone.stats.steps);
    expect(Array.from(tf.slice(semi.ys[1], 0, n).dataSync())).toEqual(Array.from(alone.ys[1].dataSync()));
    tf.dispose([y0, z0, alone.ys[1], semi.ys[1], full.ys[1]]);
  });
});

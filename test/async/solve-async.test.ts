/**
 * solveIvpAsync / odeintAsync: the same solve as solveIvp (same steps, same numbers, bit for bit)
 * with every synchronous read disabled; replayIvp's gradient equals backpropagation through the
 * sync solve and finite differences; adjointGradAsync equals odeintAdjoint's backward pass.
 * Run on the default backend (wasm) and on cpu.
 */
import { afterAll, describe, expect, it } from 'vitest';
import {
  adjointGradAsync,
  METHOD_NAMES,
  type MethodName,
  NonFiniteError,
  odeintAdjoint,
  odeintAsync,
  replayIvp,
  solveIvp,
  solveIvpAsync,
  tf,
} from '../../solvers/index.js';
import { initBackend } from '../../src/backend.js';
import {
  disposeModule,
  finiteDifferences,
  flatGrads,
  mlpModule,
  relErr,
  seededTensor,
} from '../gradients/helpers.js';
import { linspace, vanDerPol } from '../solvers/problems.js';
import { withoutSyncReads } from './no-sync-reads.js';

const start = tf.getBackend();
afterAll(async () => {
  await initBackend(start === 'cpu' ? 'cpu' : 'wasm');
});

const y0Values = [
  [2, 0],
  [1, 1],
  [-0.5, 2],
];
const optionsOf = (method: MethodName) =>
  ['euler', 'midpoint', 'heun', 'rk4', 'rk38'].includes(method)
    ? { method, stepSize: 0.05 }
    : { method, rtol: 1e-5, atol: 1e-5 };

describe.each(['wasm', 'cpu'] as const)('on %s', (backend) => {
  it.each(METHOD_NAMES)(
    '%s: solveIvpAsync = solveIvp bit for bit, with no synchronous read',
    async (method) => {
      await initBackend(backend);
      const before = tf.memory().numTensors;
      const y0 = tf.tensor2d(y0Values);
      const ts = linspace(0, 5, 11);
      const sync = solveIvp(vanDerPol.f, y0, ts, optionsOf(method));
      const { value: res, attempts } = await withoutSyncReads(() =>
        solveIvpAsync(vanDerPol.f, y0, ts, optionsOf(method)),
      );
      expect(attempts).toBe(0);
      expect(res.stats).toEqual(sync.stats);
      expect(Array.from(await res.ys.data())).toEqual(Array.from(sync.ys.dataSync()));
      tf.dispose([y0, sync.ys, res.ys]);
      expect(tf.memory().numTensors).toBe(before);
    },
  );
});

describe('odeintAsync', () => {
  it('returns the stacked solution; NaN is reported as NonFiniteError with nothing leaked', async () => {
    const before = tf.memory().numTensors;
    const y0 = tf.tensor1d([1]);
    const ys = await odeintAsync((_t, y) => tf.neg(y), y0, [0, 1, 2]);
    const v = await ys.data();
    expect(v[1]).toBeCloseTo(Math.exp(-1), 5);
    expect(v[2]).toBeCloseTo(Math.exp(-2), 5);
    const blowUp = (t: number, y: tf.Tensor) => (t > 0.5 ? tf.div(y, tf.scalar(0)) : tf.neg(y));
    await expect(odeintAsync(blowUp, y0, [0, 1])).rejects.toBeInstanceOf(NonFiniteError);
    await expect(odeintAsync(blowUp, y0, [0, 1], { method: 'rk4', stepSize: 0.1 })).rejects.toBeInstanceOf(
      NonFiniteError,
    );
    const nanStart = tf.tensor1d([Number.NaN]);
    await expect(odeintAsync((_t, y) => tf.neg(y), nanStart, [0, 1])).rejects.toThrow(/initial state y0/);
    tf.dispose([y0, ys, nanStart]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a read that fails mid-solve releases every tensor of the solve', async () => {
    const before = tf.memory().numTensors;
    const y0 = tf.tensor1d([1, 2]);
    let reads = 0;
    const original = tf.Tensor.prototype.data;
    tf.Tensor.prototype.data = function (this: tf.Tensor) {
      if (++reads === 5) return Promise.reject(new Error('device lost'));
      return original.call(this) as never;
    } as typeof original;
    try {
      await expect(odeintAsync((_t, y) => tf.neg(y), y0, [0, 1, 2, 3])).rejects.toThrow('device lost');
    } finally {
      tf.Tensor.prototype.data = original;
    }
    y0.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('gradients through an async solve: replayIvp', () => {
  const f = mlpModule(2, 16, 3);
  const y0 = seededTensor([4, 2], 5, 1);
  const ts = [0, 0.7, 1.5];
  afterAll(() => {
    disposeModule(f);
    y0.dispose();
  });
  const loss = (ys: tf.Tensor) => tf.sum(tf.square(ys));

  it.each(['dopri5', 'tsit5', 'rk4'] as const)(
    '%s: same gradient as backprop through solveIvp, and as finite differences',
    async (method) => {
      const options = method === 'rk4' ? { method, stepSize: 0.1 } : { method, rtol: 1e-4, atol: 1e-4 };
      const before = tf.memory().numTensors;
      const { ys, plan } = await solveIvpAsync(f, y0, ts, options);
      ys.dispose();
      const sync = flatGrads(() => loss(solveIvp(f, y0, ts, options).ys), f.params as tf.Variable[]);
      const { value: replay, attempts } = await withoutSyncReads(() => {
        const { value, grads } = tf.variableGrads(
          () => loss(replayIvp(f, y0, plan).ys) as tf.Scalar,
          [...(f.params as tf.Variable[])],
        );
        value.dispose();
        return grads;
      });
      expect(attempts).toBe(0);
      const flat = (f.params as tf.Variable[]).flatMap((v) => Array.from(replay[v.name].dataSync()));
      tf.dispose(Object.values(replay));
      expect(relErr(flat, sync)).toBeLessThan(1e-6);
      // finite differences of the replayed (fixed-step) map: what the gradient differentiates
      const fd = finiteDifferences(
        () => tf.tidy(() => loss(replayIvp(f, y0, plan).ys).dataSync()[0]),
        f.params as tf.Variable[],
      );
      expect(relErr(flat, fd)).toBeLessThan(1e-2);
      expect(tf.memory().numTensors).toBe(before);
    },
  );

  it('refuses a plan made for another shape', async () => {
    const { ys, plan } = await solveIvpAsync(f, y0, ts);
    ys.dispose();
    const other = tf.zeros([3, 2]);
    expect(() => replayIvp(f, other, plan)).toThrow(/plan was made for \[4, 2\]/);
    other.dispose();
  });
});

describe('adjointGradAsync', () => {
  it.each(['rms', 'seminorm'] as const)(
    'equals the backward pass of odeintAdjoint (%s), with no synchronous read',
    async (norm) => {
      const f = mlpModule(2, 16, 7);
      const y0 = tf.variable(seededTensor([4, 2], 8, 1));
      const ts = [0, 0.5, 1.2];
      const options = { rtol: 1e-5, atol: 1e-5, adjointNorm: norm };
      const before = tf.memory().numTensors;
      const vars = [y0, ...(f.params as tf.Variable[])];
      const sync = flatGrads(() => tf.sum(tf.square(odeintAdjoint(f, y0, ts, options))), vars);
      const ys = await odeintAsync(f, y0, ts, { rtol: 1e-5, atol: 1e-5 });
      const dLdys = tf.mul(ys, 2); // ∂/∂ys of Σ ys²
      const { value: g, attempts } = await withoutSyncReads(() =>
        adjointGradAsync(f, ts, ys, dLdys, options),
      );
      expect(attempts).toBe(0);
      const flat = [g.dy0, ...g.dParams].flatMap((t) => Array.from(t.dataSync()));
      expect(relErr(flat, sync)).toBeLessThan(1e-6);
      tf.dispose([ys, dLdys, g.dy0, ...g.dParams]);
      expect(tf.memory().numTensors).toBe(before);
      disposeModule(f);
      y0.dispose();
    },
  );

  it('names a wrong dLdys shape', async () => {
    const ys = tf.zeros([3, 2]);
    const bad = tf.zeros([3, 1]);
    await expect(adjointGradAsync((_t, y) => y, [0, 1, 2], ys, bad)).rejects.toThrow(
      /dLdys must have the shape of ys \[3, 2\]/,
    );
    tf.dispose([ys, bad]);
  });
});

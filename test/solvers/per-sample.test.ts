/**
 * Per-sample time points: ts as [B, T]. The values equal B separate solves and the closed form;
 * gradients by backprop and by the adjoint match central finite differences of the solve itself.
 */
import { describe, expect, it } from 'vitest';
import { OdeOptionError, odeint, odeintAdjoint, tf } from '../../src/index.js';

// dy/dt = θ ⊙ y (θ per column): y_b(t) = y0_b ⊙ exp(θ t)
const theta0 = [-0.6, 0.4];
const Y0 = [
  [1, 2],
  [-0.5, 1],
  [2, -1],
];
const TS = [
  [0, 0.13, 0.9, 1.7],
  [0, 0.5, 0.61, 2.2],
  [0, 0.13, 1.3, 1.31],
];
const W = [0.3, -1.1, 0.7, 0.2, 0.9, -0.4]; // loss weights over (row, column)

function field(theta: tf.Tensor) {
  return Object.assign((_t: number, y: tf.Tensor) => tf.mul(y, theta), { params: [theta] });
}

const opts = { rtol: 1e-6, atol: 1e-7 } as const;

describe('per-sample time points', () => {
  it('equal B separate solves and the closed form; [T, B, ...] layout; tensor ts too', () => {
    const theta = tf.tensor1d(theta0);
    const y0 = tf.tensor2d(Y0);
    const before = tf.memory().numTensors;
    const out = odeint(field(theta), y0, TS, opts);
    expect(out.shape).toEqual([4, 3, 2]);
    const v = out.arraySync() as number[][][];
    for (let b = 0; b < 3; b++) {
      const single = tf.tidy(() => odeint(field(theta), tf.slice(y0, [b, 0], [1, 2]), TS[b], opts));
      const s = single.arraySync() as number[][][];
      single.dispose();
      for (let j = 0; j < 4; j++)
        for (let k = 0; k < 2; k++) {
          const exact = Y0[b][k] * Math.exp(theta0[k] * TS[b][j]);
          expect(Math.abs(v[j][b][k] - exact)).toBeLessThan(2e-5 * (1 + Math.abs(exact)));
          expect(Math.abs(v[j][b][k] - s[j][0][k])).toBeLessThan(2e-5 * (1 + Math.abs(exact)));
        }
    }
    const tsT = tf.tensor2d(TS);
    const out2 = odeint(field(theta), y0, tsT, opts);
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(out, out2))).dataSync()[0]);
    expect(diff).toBeLessThan(1e-6);
    tf.dispose([out, out2, tsT]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([theta, y0]);
  });

  it.each(['bosh3', 'tsit5', 'dop853', 'rk4'] as const)(
    '%s: per-sample outputs equal odeint over the union',
    (method) => {
      const theta = tf.tensor1d(theta0);
      const y0 = tf.tensor2d(Y0);
      const o = method === 'rk4' ? { method } : { method, rtol: 1e-5, atol: 1e-7 };
      const before = tf.memory().numTensors;
      const out = odeint(field(theta), y0, TS, o);
      const union = [...new Set(TS.flat())].sort((a, b) => a - b);
      const all = odeint(field(theta), y0, union, o);
      const v = out.arraySync() as number[][][];
      const u = all.arraySync() as number[][][];
      TS.forEach((row, b) => {
        row.forEach((t, j) => {
          for (let k = 0; k < 2; k++)
            expect(Math.abs(v[j][b][k] - u[union.indexOf(t)][b][k])).toBeLessThan(1e-6);
        });
      });
      tf.dispose([out, all]);
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([theta, y0]);
    },
  );

  it('gradients wrt y0 and θ by backprop and adjoint match finite differences', () => {
    const w = tf.tensor1d(W);
    const loss = (adjoint: boolean) => (y0: tf.Tensor, theta: tf.Tensor) => {
      const f = field(theta);
      const ys = adjoint ? odeintAdjoint(f, y0, TS, { ...opts, params: [theta] }) : odeint(f, y0, TS, opts);
      // the last time of each row and the second one
      const last = tf.reshape(tf.slice(ys, [3, 0, 0], [1, 3, 2]), [6]);
      const second = tf.reshape(tf.slice(ys, [1, 0, 0], [1, 3, 2]), [6]);
      return tf.sum(tf.mul(tf.add(last, tf.mul(second, 0.5)), w)) as tf.Scalar;
    };
    const y0 = tf.tensor2d(Y0);
    const theta = tf.tensor1d(theta0);
    const value = (y: number[][], th: number[]) =>
      tf.tidy(() => loss(false)(tf.tensor2d(y), tf.tensor1d(th)).arraySync() as number);
    const eps = 1e-2;
    const fdY: number[] = [];
    for (let b = 0; b < 3; b++)
      for (let k = 0; k < 2; k++) {
        const p = Y0.map((r) => [...r]);
        const m = Y0.map((r) => [...r]);
        p[b][k] += eps;
        m[b][k] -= eps;
        fdY.push((value(p, theta0) - value(m, theta0)) / (2 * eps));
      }
    const fdT = [0, 1].map((k) => {
      const p = [...theta0];
      const m = [...theta0];
      p[k] += eps;
      m[k] -= eps;
      return (value(Y0, p) - value(Y0, m)) / (2 * eps);
    });
    for (const adjoint of [false, true]) {
      const before = tf.memory().numTensors;
      const [gY, gT] = tf.grads(loss(adjoint))([y0, theta]);
      const gy = gY.dataSync();
      const gt = gT.dataSync();
      fdY.forEach((d, i) => {
        expect(Math.abs(gy[i] - d)).toBeLessThan(2e-3 * (1 + Math.abs(d)));
      });
      fdT.forEach((d, i) => {
        expect(Math.abs(gt[i] - d)).toBeLessThan(5e-3 * (1 + Math.abs(d)));
      });
      tf.dispose([gY, gT]);
      expect(tf.memory().numTensors).toBe(before);
    }
    tf.dispose([w, y0, theta]);
  });

  it('refuses bad per-sample times with a typed error that says where', () => {
    const y0 = tf.tensor2d(Y0);
    const f = (_t: number, y: tf.Tensor) => tf.neg(y);
    const before = tf.memory().numTensors;
    expect(() => odeint(f, y0, [[0, 1]])).toThrow(/2 rows|1 rows|batch size 3/);
    expect(() =>
      odeint(f, y0, [
        [0, 1],
        [0, 2],
        [0.1, 2],
      ]),
    ).toThrow(/ts\[2\]\[0\] = 0.1/);
    expect(() =>
      odeint(f, y0, [
        [0, 1],
        [0, 2],
        [0, 0],
      ]),
    ).toThrow(OdeOptionError);
    expect(() =>
      odeint(f, y0, [
        [0, 1],
        [0, 2],
        [0, 3, 4],
      ]),
    ).toThrow(/rectangular/);
    expect(() =>
      odeint(f, y0, [
        [0, 1],
        [0, Number.NaN],
        [0, 3],
      ]),
    ).toThrow(/not a finite number/);
    expect(tf.memory().numTensors).toBe(before);
    y0.dispose();
  });
});

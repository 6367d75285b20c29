/**
 * odeintEvent: bounce times of a bouncing ball against the closed form, event-time and event-state
 * gradients against closed-form derivatives (implicit function theorem) and against central
 * finite differences on a nonlinear problem with a time-dependent event; typed errors, no leaks.
 */
import { describe, expect, it } from 'vitest';
import { bounce } from '../../examples/bouncing-ball.js';
import { OdeEventError, OdeOptionError, odeintEvent, tf } from '../../src/index.js';

const height = (_t: tf.Tensor, y: tf.Tensor) => tf.reshape(tf.slice(y, [0, 0], [-1, 1]), [-1]);

/** y = [height, velocity], gravity g (a tensor, so gradients can reach it). */
function ball(g: tf.Tensor) {
  const shift = tf.tensor2d([
    [0, 0],
    [1, 0],
  ]);
  return (_t: number, y: tf.Tensor) => tf.sub(tf.matMul(y, shift), tf.mul(tf.tensor1d([0, 1]), g));
}

describe('odeintEvent', () => {
  it('bouncing ball: several bounces with restitution match the closed-form times', () => {
    const G = 9.81;
    const e = 0.8;
    const h0 = [10, 2.5, 0.7];
    const before = tf.memory().numTensors;
    const { times, states } = bounce({ heights: h0, restitution: e, gravity: G, bounces: 5 });
    expect(tf.memory().numTensors).toBe(before);
    h0.forEach((h, b) => {
      const t1 = Math.sqrt((2 * h) / G);
      const v1 = G * t1;
      let t = t1;
      for (let k = 0; k < 5; k++) {
        // located to 1e-6 relative (the quadratic is exact in dopri5's quartic dense output)
        expect(Math.abs(times[b][k] - t)).toBeLessThan(1e-6 * t + 1e-6);
        // impact speed e^k v1
        expect(states[b][k][1]).toBeCloseTo(-(e ** k) * v1, 3);
        expect(Math.abs(states[b][k][0])).toBeLessThan(1e-5);
        t += (2 * e ** (k + 1) * v1) / G;
      }
    });
  });

  it('gradients of the event time and state: closed form (IFT) for the ball', () => {
    const h0 = 3;
    const v0 = 1;
    const G = 9.81;
    const S = Math.sqrt(v0 * v0 + 2 * G * h0);
    const dtdh = 1 / S;
    const dtdv = (1 + v0 / S) / G;
    const dtdg = h0 / (G * S) - (v0 + S) / (G * G);
    const y0 = tf.tensor2d([[h0, v0]]);
    const g = tf.scalar(G);
    const before = tf.memory().numTensors;
    const grads = (which: 't' | 'v' | 'h') =>
      tf.grads((y: tf.Tensor, gg: tf.Tensor) => {
        const r = odeintEvent(ball(gg), y, 0, { event: height, direction: -1, rtol: 1e-6, atol: 1e-8 });
        const out = which === 't' ? tf.sum(r.t) : tf.sum(tf.slice(r.y, [0, which === 'h' ? 0 : 1], [1, 1]));
        tf.dispose([r.t, r.y]);
        return out as tf.Scalar;
      })([y0, g]);
    const [gyT, ggT] = grads('t');
    const gy = gyT.dataSync();
    expect(gy[0]).toBeCloseTo(dtdh, 4);
    expect(gy[1]).toBeCloseTo(dtdv, 4);
    expect(ggT.dataSync()[0]).toBeCloseTo(dtdg, 4);
    // velocity at impact v* = v0 − g t*: dv*/dh0 = −g dt/dh0, dv*/dv0 = 1 − g dt/dv0, dv*/dg = −t* − g dt/dg
    const tStar = (v0 + S) / G;
    const [gyV, ggV] = grads('v');
    expect(gyV.dataSync()[0]).toBeCloseTo(-G * dtdh, 3);
    expect(gyV.dataSync()[1]).toBeCloseTo(1 - G * dtdv, 3);
    expect(ggV.dataSync()[0]).toBeCloseTo(-tStar - G * dtdg, 3);
    // the height at the event is 0 whatever the inputs: its gradient vanishes
    const [gyH, ggH] = grads('h');
    for (const v of [...gyH.dataSync(), ...ggH.dataSync()]) expect(Math.abs(v)).toBeLessThan(1e-4);
    tf.dispose([gyT, ggT, gyV, ggV, gyH, ggH]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([y0, g]);
  });

  it('gradients match finite differences: pendulum, time-dependent event, two rows', () => {
    const Y0 = [
      [1.0, 0.0],
      [0.7, 0.3],
    ];
    const TH = 2.0;
    const w = [0.7, -1.3, 0.4, 0.9, -0.5, 1.1];
    const pend = (th: tf.Tensor) => (_t: number, y: tf.Tensor) => {
      const q = tf.slice(y, [0, 0], [-1, 1]);
      const p = tf.slice(y, [0, 1], [-1, 1]);
      return tf.concat([p, tf.mul(tf.neg(th), tf.sin(q))], 1);
    };
    // g = q − 0.25·t + 0.1, falling
    const event = (t: tf.Tensor, y: tf.Tensor) =>
      tf.add(tf.sub(tf.reshape(tf.slice(y, [0, 0], [-1, 1]), [-1]), tf.mul(t, 0.25)), 0.1);
    const loss = (y0: tf.Tensor, th: tf.Tensor) => {
      const r = odeintEvent(pend(th), y0, 0, { event, direction: -1, rtol: 1e-6, atol: 1e-8 });
      const l = tf.sum(tf.mul(tf.concat([r.t, tf.reshape(r.y, [-1])]), tf.tensor1d(w)));
      tf.dispose([r.t, r.y]);
      return l as tf.Scalar;
    };
    const val = (y: number[][], th: number) =>
      tf.tidy(() => loss(tf.tensor2d(y), tf.scalar(th)).arraySync() as number);
    const eps = 1e-2;
    const y0 = tf.tensor2d(Y0);
    const th = tf.scalar(TH);
    const before = tf.memory().numTensors;
    const [gY, gT] = tf.grads(loss)([y0, th]);
    const gy = gY.dataSync();
    for (let b = 0; b < 2; b++)
      for (let k = 0; k < 2; k++) {
        const p = Y0.map((r) => [...r]);
        const m = Y0.map((r) => [...r]);
        p[b][k] += eps;
        m[b][k] -= eps;
        const fd = (val(p, TH) - val(m, TH)) / (2 * eps);
        expect(Math.abs(gy[b * 2 + k] - fd)).toBeLessThan(3e-3 * (1 + Math.abs(fd)));
      }
    const fdT = (val(Y0, TH + eps) - val(Y0, TH - eps)) / (2 * eps);
    expect(Math.abs(gT.dataSync()[0] - fdT)).toBeLessThan(3e-3 * (1 + Math.abs(fdT)));
    tf.dispose([gY, gT]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([y0, th]);
  });

  it.each(['bosh3', 'tsit5', 'dop853'] as const)('%s: an event on its own dense output', (method) => {
    // y = (cos t, −sin t): the first zero of cos is π/2
    const f = (_t: number, y: tf.Tensor) =>
      tf.matMul(
        y,
        tf.tensor2d([
          [0, -1],
          [1, 0],
        ]),
      );
    const y0 = tf.tensor2d([
      [1, 0],
      [2, 0],
    ]);
    const before = tf.memory().numTensors;
    const r = odeintEvent(f, y0, 0, { event: height, method, rtol: 1e-6, atol: 1e-9 });
    for (const t of r.t.dataSync()) expect(Math.abs(t - Math.PI / 2)).toBeLessThan(2e-5);
    tf.dispose([r.t, r.y]);
    expect(tf.memory().numTensors).toBe(before);
    y0.dispose();
  });

  it('non-terminal: records every crossing up to tEnd; errors are typed', () => {
    // harmonic oscillator y = cos t: zeros at π/2 + kπ
    const f = (_t: number, y: tf.Tensor) =>
      tf.matMul(
        y,
        tf.tensor2d([
          [0, -1],
          [1, 0],
        ]),
      );
    const y0 = tf.tensor2d([[1, 0]]);
    const before = tf.memory().numTensors;
    const r = odeintEvent(f, y0, 0, { event: height, terminal: false, tEnd: 10, rtol: 1e-6, atol: 1e-9 });
    expect(r.times[0].length).toBe(3);
    r.times[0].forEach((t, k) => {
      expect(Math.abs(t - (Math.PI / 2 + k * Math.PI))).toBeLessThan(1e-5);
    });
    expect((r.y.arraySync() as number[][])[0][0]).toBeCloseTo(Math.cos(10), 4);
    const up = odeintEvent(f, y0, 0, { event: height, direction: 1, rtol: 1e-6, atol: 1e-9 });
    expect(Math.abs(up.times[0][0] - 1.5 * Math.PI)).toBeLessThan(1e-5);
    tf.dispose([r.t, r.y, up.t, up.y]);
    expect(() => odeintEvent(f, y0, 0, { event: height, tEnd: 1 })).toThrow(OdeEventError);
    expect(() => odeintEvent(f, y0, 0, { event: height, method: 'rk4' })).toThrow(/fixed-step/);
    expect(() => odeintEvent(f, y0, 0, { event: height, terminal: false })).toThrow(/needs tEnd/);
    expect(() => odeintEvent(f, y0, 0, { event: () => tf.zeros([3]) })).toThrow(OdeOptionError);
    expect(tf.memory().numTensors).toBe(before);
    y0.dispose();
  });
});

import { afterAll, describe, expect, it } from 'vitest';
import { odeintAdjoint } from '../../solvers/adjoint.js';
import { odeint } from '../../solvers/odeint.js';
import { tf } from '../../solvers/tf.js';
import type { OdeintOptions } from '../../solvers/types.js';
import { disposeModule, flatGrads, mlpModule, relErr, seededTensor } from './helpers.js';

// Nonlinear field (tanh MLP 2-16-2, non-autonomous), a batch of 8 points, five output times and a
// loss that is nonlinear in every output: Σ w ⊙ ys².
const f = mlpModule(2, 16, 101, 1.5);
const y0 = tf.tidy(() => tf.variable(seededTensor([8, 2], 201, 1.5)));
const ts = [0, 0.3, 0.7, 1.0, 1.5];
const w = seededTensor([ts.length, 8, 2], 301, 1);
const o: OdeintOptions = { rtol: 1e-6, atol: 1e-6 };

afterAll(() => {
  disposeModule(f);
  y0.dispose();
  w.dispose();
});

describe('adjoint vs backprop at rtol = atol = 1e-6', () => {
  it('agree within 1e-3 relative, for y0 and every parameter', () => {
    const vars = [y0, ...f.params] as tf.Variable[];
    const bp = flatGrads(() => tf.sum(tf.mul(w, tf.square(odeint(f, y0, ts, o)))), vars);
    const adj = flatGrads(() => tf.sum(tf.mul(w, tf.square(odeintAdjoint(f, y0, ts, o)))), vars);
    expect(relErr(adj, bp)).toBeLessThan(1e-3);
    let start = 0;
    for (const v of vars) {
      const part = (x: number[]) => x.slice(start, start + v.size);
      expect(relErr(part(adj), part(bp))).toBeLessThan(1e-3);
      start += v.size;
    }
  });
  it('the forward values are those of odeint', () => {
    const a = odeint(f, y0, ts, o);
    const b = odeintAdjoint(f, y0, ts, o);
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    tf.dispose([a, b]);
  });
});

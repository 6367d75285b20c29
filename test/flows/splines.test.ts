/**
 * Rational-quadratic neural spline flows: invertibility, log-det against brute-force Jacobians
 * (coupling, autoregressive, with and without context, points inside and far outside the spline
 * interval), grid mass of the 2-D models, the NaN trap of inputs far outside the interval (nflows
 * PR #25), finite-difference gradients, and no leaks.
 */
import { describe, expect, it } from 'vitest';
import { type Tensor, tf } from '../../solvers/tf.js';
import { halfMask, nsf, rqSpline, SplineAutoregressive, SplineCoupling } from '../../src/flows/index.js';
import { autodiffLogDet, maxAbsDiff, perturb, read } from './helpers.js';

const TAIL = 3;
/** Rows inside [−3, 3] and some far outside, and one exactly on the bound. */
function inputs(d: number): Tensor {
  const rows = [
    Array.from({ length: d }, (_, i) => 0.3 * i - 0.8),
    Array.from({ length: d }, (_, i) => (i % 2 ? 2.7 : -2.2)),
    Array.from({ length: d }, (_, i) => (i % 2 ? -1.1 : 0.45)),
    Array.from({ length: d }, (_, i) => (i === 0 ? 7.5 : -0.4)),
    Array.from({ length: d }, (_, i) => (i === d - 1 ? -40 : 1.3)),
    Array.from({ length: d }, () => TAIL),
  ];
  return tf.tensor2d(rows);
}

type Layer = SplineCoupling | SplineAutoregressive;
const cases: [string, () => Layer, number][] = [
  [
    'coupling',
    () => new SplineCoupling({ mask: halfMask(3, 0), hidden: [16], bins: 5, tailBound: TAIL, seed: 1 }),
    0,
  ],
  [
    'coupling with context',
    () =>
      new SplineCoupling({
        mask: halfMask(3, 1),
        hidden: [16],
        bins: 6,
        tailBound: TAIL,
        contextDim: 2,
        seed: 2,
      }),
    2,
  ],
  [
    'autoregressive',
    () => new SplineAutoregressive(3, { hidden: [16, 16], bins: 5, tailBound: TAIL, seed: 3 }),
    0,
  ],
  [
    'autoregressive with context',
    () => new SplineAutoregressive(3, { hidden: [16], bins: 4, tailBound: TAIL, contextDim: 2, seed: 4 }),
    2,
  ],
];

describe.each(cases)('%s spline layer', (_name, make, ctxDim) => {
  it('inverts to 1e-4, log-det = brute-force Jacobian, inverse log-det = −forward, no leaks', () => {
    const layer = make();
    perturb(layer.params, 0.15, 11);
    const x = inputs(3);
    const ctx = ctxDim
      ? tf.tensor2d(Array.from({ length: 6 }, (_, i) => [Math.sin(i), Math.cos(2 * i)]))
      : undefined;
    const before = tf.memory().numTensors;
    const { y, logDet } = layer.forward(x, ctx);
    // the map is not the identity inside the interval...
    const moved = tf.tidy(() => maxAbsDiff(tf.slice(y, [0, 0], [3, 3]), tf.slice(x, [0, 0], [3, 3])));
    expect(moved).toBeGreaterThan(0.05);
    const back = layer.inverse(y, ctx);
    const ld = Array.from(logDet.dataSync());
    // x = f⁻¹(y) to 1e-4 where the map is not nearly flat: in float32 the round trip's error is
    // the rounding of y divided by the slope (a conditioning input of −40 saturates the
    // conditioner and can give slopes ~1e-6); the round trip y → x → y below holds for every row
    const bx = back.x.arraySync() as number[][];
    const xv = x.arraySync() as number[][];
    let wellConditioned = 0;
    ld.forEach((v, i) => {
      if (v < -5) return;
      wellConditioned++;
      for (let k = 0; k < 3; k++) expect(Math.abs(bx[i][k] - xv[i][k])).toBeLessThan(1e-4);
    });
    expect(wellConditioned).toBeGreaterThanOrEqual(5);
    // the inverse's log-det is minus the forward log-det at the point it returns
    const ldInv = Array.from(back.logDet.dataSync());
    const again = layer.forward(back.x, ctx);
    const ldAgain = read(again.logDet);
    again.y.dispose();
    ld.forEach((v, i) => {
      expect(Number.isFinite(v)).toBe(true);
      expect(Math.abs(ldAgain[i] + ldInv[i])).toBeLessThan(1e-4 * (1 + Math.abs(v)));
    });
    const brute = autodiffLogDet((xx) => layer.forward(xx, ctx).y, x);
    brute.forEach((v, i) => {
      expect(Math.abs(v - ld[i])).toBeLessThan(1e-4 * (1 + Math.abs(v)));
    });
    tf.dispose([logDet, back.x, back.logDet]);
    expect(tf.memory().numTensors).toBe(before + 1); // y, used below
    // Far from the identity, slopes get small and x = f⁻¹(y) inherits float32's rounding of y
    // divided by the slope; the other round trip, f(f⁻¹(y)) = y, stays well conditioned.
    perturb(layer.params, 0.4, 13);
    for (const input of [x, y]) {
      const y2 = layer.forward(input, ctx);
      const x2 = layer.inverse(y2.y, ctx);
      const y3 = layer.forward(x2.x, ctx);
      expect(maxAbsDiff(y2.y, y3.y)).toBeLessThan(1e-4);
      tf.dispose([y2.y, y2.logDet, x2.x, x2.logDet, y3.y, y3.logDet]);
    }
    // ...and the context matters
    if (ctx) {
      const other = tf.add(ctx, 1);
      const a = layer.forward(x, ctx).y;
      const b = layer.forward(x, other).y;
      expect(maxAbsDiff(a, b)).toBeGreaterThan(1e-3);
      tf.dispose([a, b, other]);
      expect(() => layer.forward(x)).toThrow(/context of shape \[6, 2\]/);
    }
    tf.dispose([x, y, ctx as Tensor]);
    for (const v of layer.params) v.dispose();
  });

  it('far outside the interval: identity, log-det 0, finite gradients (nflows PR #25)', () => {
    const layer = make();
    perturb(layer.params, 0.4, 12);
    const far = tf.tensor2d([
      [1e4, -1e4, 3.0000002],
      [-1e6, 50, -3.0000002],
      [0.5, 1e8, -0.5],
    ]);
    const ctx = ctxDim ? tf.ones([3, ctxDim]) : undefined;
    const { y, logDet } = layer.forward(far, ctx);
    const yv = y.arraySync() as number[][];
    const fv = far.arraySync() as number[][];
    const ld = read(logDet);
    y.dispose();
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++) if (Math.abs(fv[i][j]) > TAIL) expect(yv[i][j]).toBe(fv[i][j]);
    for (const v of ld) expect(Number.isFinite(v)).toBe(true);
    const inv = layer.inverse(far, ctx);
    for (const v of read(inv.x)) expect(Number.isFinite(v)).toBe(true);
    inv.logDet.dispose();
    const { grads } = tf.variableGrads(() => {
      const r = layer.forward(far, ctx);
      const i2 = layer.inverse(far, ctx);
      return tf.add(tf.sum(tf.add(r.y, i2.x)), tf.sum(tf.add(r.logDet, i2.logDet))) as tf.Scalar;
    }, layer.params as tf.Variable[]);
    for (const g of Object.values(grads)) for (const v of read(g)) expect(Number.isFinite(v)).toBe(true);
    const gx = tf.grad((xx: Tensor) => tf.sum(layer.forward(xx, ctx).logDet))(far);
    for (const v of read(gx)) expect(Number.isFinite(v)).toBe(true);
    tf.dispose([far, ctx as Tensor]);
    for (const v of layer.params) v.dispose();
  });
});

describe('rqSpline', () => {
  it('zero parameters give the identity; values are monotone and continuous across bins', () => {
    const x = tf.tensor2d([[-2.9, -1, 0, 0.3, 2.99]]);
    const zero = tf.zeros([1, 5, 3 * 4 - 1]);
    const { out, logAbsDet } = rqSpline(x, zero, { bins: 4, tailBound: 3 }, false);
    expect(maxAbsDiff(out, x)).toBeLessThan(1e-6);
    for (const v of read(logAbsDet)) expect(Math.abs(v)).toBeLessThan(1e-6);
    // a random spline on a fine grid: strictly increasing, y(±B) = ±B
    const n = 601;
    const grid = tf.tensor2d(Array.from({ length: n }, (_, i) => [-3 + (6 * i) / (n - 1)]));
    const p = tf.tile(tf.randomNormal([1, 1, 3 * 6 - 1], 0, 1.5, 'float32', 5), [n, 1, 1]);
    const r = rqSpline(grid, p, { bins: 6, tailBound: 3 }, false);
    const ys = read(r.out);
    for (let i = 1; i < n; i++) expect(ys[i]).toBeGreaterThan(ys[i - 1]);
    expect(ys[0]).toBeCloseTo(-3, 5);
    expect(ys[n - 1]).toBeCloseTo(3, 5);
    tf.dispose([x, zero, out, grid, p, r.logAbsDet]);
  });
});

const N = 401;
const L = 9;
function gridMass(logProb: (x: Tensor) => Tensor): number {
  const h = (2 * L) / (N - 1);
  const pts = new Float32Array(N * N * 2);
  for (let i = 0; i < N; i++)
    for (let j = 0; j < N; j++) {
      pts[2 * (i * N + j)] = -L + i * h;
      pts[2 * (i * N + j) + 1] = -L + j * h;
    }
  const x = tf.tensor2d(pts, [N * N, 2]);
  const p = read(tf.tidy(() => tf.sum(tf.exp(logProb(x)))))[0];
  x.dispose();
  return p * h * h;
}

describe.each(['coupling', 'autoregressive'] as const)('nsf (%s) 2-D density', (form) => {
  it('integrates to 1 ± 0.01 on a grid; samples invert; gradients match finite differences', () => {
    const m = nsf({ form, layers: 3, hidden: [16], bins: 6, tailBound: 4, seed: 7 });
    perturb(m.params, 0.1, 21);
    const x0 = tf.tensor2d([[0.3, -0.2]]);
    const base = -Math.log(2 * Math.PI) - 0.5 * (0.09 + 0.04);
    expect(Math.abs(read(m.logProb(x0))[0] - base)).toBeGreaterThan(0.02);
    expect(Math.abs(gridMass((x) => m.logProb(x)) - 1)).toBeLessThan(0.01);
    // sampling is the inverse of density evaluation
    const s = m.sample(64, 3);
    const z = m.bijector.forward(s);
    const back = m.bijector.inverse(z.y);
    expect(maxAbsDiff(back.x, s)).toBeLessThan(1e-4);
    tf.dispose([s, z.y, z.logDet, back.x, back.logDet]);
    // gradient of the mean NLL wrt a few weights, against central differences
    const batch = tf.tensor2d([
      [0.5, -1.2],
      [2.1, 0.4],
      [-0.7, -0.3],
      [5.5, 1.0],
    ]);
    const nll = () => tf.neg(tf.mean(m.logProb(batch))) as tf.Scalar;
    const before = tf.memory().numTensors;
    const { value, grads } = tf.variableGrads(nll, m.params as tf.Variable[]);
    value.dispose();
    // (eps small enough not to cross a ReLU kink of the conditioners at these points)
    const eps = 1e-3;
    let checked = 0;
    let kinks = 0;
    for (const v of m.params.slice(0, 8)) {
      const g = read(grads[v.name]);
      const flat = v.dataSync().slice();
      const live = g.flatMap((x, i) => (Math.abs(x) > 1e-3 ? [i] : []));
      if (live.length === 0) continue;
      for (const k of new Set([live[0], live[Math.floor(live.length / 2)], live[live.length - 1]])) {
        const at = (d: number) => {
          const w = flat.slice();
          w[k] += d;
          tf.tidy(() => v.assign(tf.tensor(w, v.shape)));
          return read(tf.tidy(nll))[0];
        };
        const [up, mid, down] = [at(eps), at(0), at(-eps)];
        tf.tidy(() => v.assign(tf.tensor(flat, v.shape)));
        // a ReLU kink of the conditioner inside ±eps makes the one-sided slopes disagree: FD says
        // nothing there (skip, and count it)
        const fwd = (up - mid) / eps;
        const bwd = (mid - down) / eps;
        if (Math.abs(fwd - bwd) > 0.05 * (Math.abs(fwd) + Math.abs(bwd)) + 2e-3) {
          kinks++;
          continue;
        }
        const fd = (up - down) / (2 * eps);
        expect(Math.abs(g[k] - fd)).toBeLessThan(1e-3 + 1e-2 * Math.abs(fd));
        checked++;
      }
    }
    for (const g of Object.values(grads)) if (!g.isDisposed) g.dispose();
    expect(checked).toBeGreaterThanOrEqual(15);
    expect(kinks).toBeLessThanOrEqual(2);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x0, batch]);
    for (const v of m.params) v.dispose();
  });
});

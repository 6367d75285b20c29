import { describe, expect, it } from 'vitest';
import { tf } from '../../src/index.js';
import type { ActivationName, LayerKind } from '../../src/nn/index.js';
import { divergence, hutchinson, mlpField, probeNoise } from '../../src/nn/index.js';

const ACTS: ActivationName[] = ['tanh', 'softplus', 'swish', 'sigmoid', 'elu', 'selu'];
const LAYERS: LayerKind[] = ['concat', 'concatsquash', 'mlp'];

/** Jacobian by central differences of f: jac[b][i][k] = ∂f_i/∂x_k at sample b. */
function fdJacobian(f: (x: tf.Tensor) => tf.Tensor, x: number[][], h = 1e-2): number[][][] {
  const d = x[0].length;
  const cols: number[][][] = [];
  for (let k = 0; k < d; k++) {
    const shift = (s: number) => x.map((r) => r.map((v, j) => (j === k ? v + s : v)));
    const fp = tf.tidy(() => f(tf.tensor2d(shift(h))).arraySync() as number[][]);
    const fm = tf.tidy(() => f(tf.tensor2d(shift(-h))).arraySync() as number[][]);
    cols.push(fp.map((r, b) => r.map((v, i) => (v - fm[b][i]) / (2 * h))));
  }
  return x.map((_, b) => Array.from({ length: d }, (_, i) => cols.map((c) => c[b][i])));
}

function points(b: number, d: number, seed: number): number[][] {
  return tf.tidy(() => tf.randomNormal([b, d], 0, 1, 'float32', seed).arraySync() as number[][]);
}

describe('mlpField forward-mode JVP', () => {
  for (const layer of LAYERS) {
    for (const act of ACTS) {
      it(`${layer}/${act}: J·V and exact divergence match finite differences`, () => {
        const f = mlpField({ dim: 3, hidden: [16, 16], layer, activation: act, seed: 3 });
        const x = points(5, 3, 1);
        const t = 0.37;
        const jac = fdJacobian((y) => f(t, y), x);
        const v = tf.randomNormal([2, 5, 3], 0, 1, 'float32', 9);
        const { jv, fv, div } = tf.tidy(() => {
          const r = f.jvp(t, tf.tensor2d(x), v);
          const ex = divergence(f, t, tf.tensor2d(x));
          const direct = f(t, tf.tensor2d(x));
          // the JVP path's f equals the plain evaluation
          expect(tf.max(tf.abs(tf.sub(r.f, direct))).dataSync()[0]).toBeLessThan(1e-5);
          return {
            jv: r.jv.arraySync() as number[][][],
            fv: ex.f.arraySync() as number[][],
            div: Array.from(ex.div.dataSync()),
          };
        });
        const va = v.arraySync() as number[][][];
        v.dispose();
        expect(fv.length).toBe(5);
        let scale = 0;
        let err = 0;
        for (let k = 0; k < 2; k++) {
          for (let b = 0; b < 5; b++) {
            for (let i = 0; i < 3; i++) {
              const ref = jac[b][i].reduce((s, jik, kk) => s + jik * va[k][b][kk], 0);
              scale = Math.max(scale, Math.abs(ref));
              err = Math.max(err, Math.abs(jv[k][b][i] - ref));
            }
          }
        }
        expect(scale).toBeGreaterThan(1e-3);
        // float32 central differences with h = 1e-2: truncation ~1e-5 relative, round-off ~1e-5 absolute
        expect(err).toBeLessThan(2e-3 * scale + 3e-5);
        for (let b = 0; b < 5; b++) {
          const trace = jac[b][0][0] + jac[b][1][1] + jac[b][2][2];
          expect(Math.abs(div[b] - trace)).toBeLessThan(2e-3 * Math.max(1, Math.abs(trace)));
        }
      });
    }
  }
});

describe('Hutchinson estimator', () => {
  for (const kind of ['gaussian', 'rademacher'] as const) {
    it(`${kind}: mean of many estimates is within 3 standard errors of the exact divergence`, () => {
      const f = mlpField({ dim: 2, hidden: [32, 32], activation: 'tanh', seed: 5 });
      const n = 4000;
      const point = [[0.3, -0.8]];
      const { exact, est } = tf.tidy(() => {
        const x = tf.tensor2d(point);
        const exact = divergence(f, 0.2, x).div.dataSync()[0];
        // n independent probes of the same point, as one batch
        const xs = tf.tile(x, [n, 1]);
        const eps = probeNoise(kind, [n, 2], 17);
        return { exact, est: Array.from(hutchinson(f, 0.2, xs, eps).div.dataSync()) };
      });
      const mean = est.reduce((a, b) => a + b, 0) / n;
      const sd = Math.sqrt(est.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
      expect(sd).toBeGreaterThan(0);
      expect(Math.abs(mean - exact)).toBeLessThan((3 * sd) / Math.sqrt(n));
    });
  }

  it('rademacher probes are ±1 and gaussian probes have unit variance', () => {
    const r = probeNoise('rademacher', [1000, 2], 1);
    const g = probeNoise('gaussian', [20000, 1], 2);
    expect(new Set(r.dataSync()).size).toBe(2);
    expect(Math.abs(tf.moments(g).variance.dataSync()[0] - 1)).toBeLessThan(0.05);
    r.dispose();
    g.dispose();
  });
});

describe('mlpField initialisation and memory', () => {
  it('the same seed gives the same weights; another seed different ones', () => {
    const a = mlpField({ dim: 2, seed: 11 });
    const b = mlpField({ dim: 2, seed: 11 });
    const c = mlpField({ dim: 2, seed: 12 });
    expect(a.params.length).toBe(20);
    for (let i = 0; i < a.params.length; i++) {
      expect(Array.from(a.params[i].dataSync())).toEqual(Array.from(b.params[i].dataSync()));
    }
    expect(Array.from(a.params[0].dataSync())).not.toEqual(Array.from(c.params[0].dataSync()));
    for (const p of [...a.params, ...b.params, ...c.params]) p.dispose();
  });

  it('evaluations, JVPs and divergences leak no tensors', () => {
    const f = mlpField({ dim: 2, hidden: [8], activation: 'elu' });
    const x = tf.randomNormal([4, 2]);
    const eps = tf.randomNormal([4, 2]);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      f(0.1, x).dispose();
      divergence(f, 0.1, x).div.dispose();
      const h = hutchinson(f, 0.1, x, eps);
      h.f.dispose();
      h.div.dispose();
      const r = tf.tidy(() => {
        const { f: v, jv } = f.jvp(0.1, x, 'identity');
        return [v, jv];
      });
      tf.dispose(r);
    }
    // divergence's f is returned and not disposed above: one per round
    expect(tf.memory().numTensors - before).toBe(3);
  });
});

describe('mlpField cost', () => {
  it.each(['concatsquash', 'concat', 'mlp'] as const)(
    '%s: a plain call makes no tensor larger than B × width (no [B, B, D] broadcast)',
    async (layer) => {
      const B = 50;
      const field = mlpField({ dim: 2, hidden: [16, 16], layer, activation: 'softplus', seed: 1 });
      const x = tf.randomNormal([B, 2], 0, 1, 'float32', 2);
      const tPer = tf.randomUniform([B, 1], 0, 1, 'float32', 3);
      for (const t of [0.3, tPer]) {
        const info = await tf.profile(() => field(t, x));
        const biggest = Math.max(
          ...info.kernels.flatMap((k) => k.outputShapes.map((s) => (s ?? []).reduce((a, d) => a * d, 1))),
        );
        expect(biggest).toBeLessThanOrEqual(B * 16 + 16);
      }
      tf.dispose([x, tPer, ...field.params]);
    },
  );
});

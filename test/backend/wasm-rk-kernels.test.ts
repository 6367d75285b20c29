import { afterAll, describe, expect, it } from 'vitest';
import { addAll } from '../../solvers/add-all.js';
import { combine, SCALED_COPIES_KERNEL, WEIGHTED_SUM_KERNEL } from '../../solvers/rk-step.js';
import { initBackend, odeint, tf } from '../../src/index.js';

/** y + Σ h·w_j·k_j by the plain ops the fused kernel replaces (mul per term, addAll, add). */
function byOps(y: tf.Tensor, h: number, w: number[], ks: tf.Tensor[]): tf.Tensor {
  return tf.add(y, addAll(ks.map((k, j) => tf.mul(k, h * w[j]))));
}

/** Kernel names dispatched while fn runs. */
function kernelsOf(fn: () => void): string[] {
  const engine = tf.engine();
  const runKernel = engine.runKernel.bind(engine);
  const names: string[] = [];
  engine.runKernel = (name: string, inputs: tf.NamedTensorMap, attrs?: tf.NamedAttrMap) => {
    names.push(name);
    return runKernel(name, inputs, attrs);
  };
  try {
    fn();
  } finally {
    engine.runKernel = runKernel;
  }
  return names;
}

describe('wasm Runge–Kutta stage-sum kernels', () => {
  afterAll(async () => {
    await initBackend();
  });

  it('give the plain ops’ float32 values and gradients bit for bit, for 1 to 12 terms', async () => {
    await initBackend('wasm');
    expect(tf.getKernel(WEIGHTED_SUM_KERNEL, 'wasm')).toBeDefined();
    expect(tf.getKernel(SCALED_COPIES_KERNEL, 'wasm')).toBeDefined();
    const before = tf.memory().numTensors;
    for (let n = 1; n <= 12; n++) {
      tf.tidy(() => {
        const y = tf.randomUniform([100, 3], -3, 3, 'float32', n);
        const ks = Array.from({ length: n }, (_, j) =>
          tf.randomUniform([100, 3], -50, 50, 'float32', 100 + j),
        );
        const w = Array.from({ length: n }, (_, j) => (j % 3 === 0 ? -1 : 1) * (0.1 + j / 7));
        const h = 0.0371;
        const fused = combine(y, h, w, ks);
        expect(Array.from(fused.dataSync())).toEqual(Array.from(byOps(y, h, w, ks).dataSync()));
        const loss =
          (f: (a: tf.Tensor, b: tf.Tensor[]) => tf.Tensor) =>
          (...xs: tf.Tensor[]) =>
            tf.sum(tf.mul(f(xs[0], xs.slice(1)), tf.reshape(tf.linspace(-1, 2, 300), [100, 3])));
        const g1 = tf.grads(loss((a, b) => combine(a, h, w, b)))([y, ...ks]);
        const g2 = tf.grads(loss((a, b) => byOps(a, h, w, b)))([y, ...ks]);
        for (const [i, g] of g1.entries())
          expect(Array.from(g.dataSync())).toEqual(Array.from(g2[i].dataSync()));
      });
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a dopri5 step under a tape uses them: one kernel per stage sum forward and one backward', async () => {
    await initBackend('wasm');
    const f = (_t: number, y: tf.Tensor) => tf.neg(y);
    const y0 = tf.ones([8, 3]);
    const names = kernelsOf(() => {
      tf.tidy(() =>
        tf.grad((x: tf.Tensor) => tf.sum(odeint(f, x, [0, 0.1], { method: 'dopri5', firstStep: 0.1 })))(y0),
      );
    });
    const sums = names.filter((n) => n === WEIGHTED_SUM_KERNEL).length;
    const copies = names.filter((n) => n === SCALED_COPIES_KERNEL).length;
    expect(sums).toBeGreaterThanOrEqual(6); // 5 stage inputs and y₁ per step (+ the error norm's sums)
    expect(copies).toBeGreaterThanOrEqual(6);
    expect(names.filter((n) => n === 'AddN').length).toBe(0);
    y0.dispose();
  });
});

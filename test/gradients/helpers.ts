import { type Tensor, tf } from '../../solvers/tf.js';
import type { OdeModule } from '../../solvers/types.js';

/** Deterministic pseudo-random numbers in [-1, 1) (LCG), so tests do not depend on tfjs's RNG. */
export function seededValues(n: number, seed: number): number[] {
  let s = seed >>> 0;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out.push((s / 2 ** 32) * 2 - 1);
  }
  return out;
}

/** A tensor of the given shape with seeded values scaled by `scale`. */
export function seededTensor(shape: number[], seed: number, scale = 1): Tensor {
  const n = shape.reduce((a, d) => a * d, 1);
  return tf.tensor(
    seededValues(n, seed).map((v) => v * scale),
    shape,
  );
}

/**
 * A small non-autonomous MLP field f(t, y) = tanh(y·W1 + b1·(1 + 0.5 sin t))·W2 + b2 on states of
 * shape [batch, dim], as an OdeModule (params [W1, b1, W2, b2], all tf.Variables).
 */
export function mlpModule(dim: number, hidden: number, seed: number, scale = 0.8): OdeModule {
  const W1 = tf.tidy(() => tf.variable(seededTensor([dim, hidden], seed, scale / Math.sqrt(dim))));
  const b1 = tf.tidy(() => tf.variable(seededTensor([hidden], seed + 1, 0.3)));
  const W2 = tf.tidy(() => tf.variable(seededTensor([hidden, dim], seed + 2, scale / Math.sqrt(hidden))));
  const b2 = tf.tidy(() => tf.variable(seededTensor([dim], seed + 3, 0.3)));
  const f = (t: number, y: Tensor): Tensor =>
    tf.add(tf.matMul(tf.tanh(tf.add(tf.matMul(y, W1), tf.mul(b1, 1 + 0.5 * Math.sin(t)))), W2), b2);
  return Object.assign(f, { params: [W1, b1, W2, b2] });
}

/** Disposes an OdeModule's variables. */
export function disposeModule(m: OdeModule): void {
  for (const v of m.params) v.dispose();
}

/** ‖a − b‖₂ / ‖b‖₂ over flat arrays. */
export function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < b.length; i++) {
    num += (a[i] - b[i]) ** 2;
    den += b[i] ** 2;
  }
  return Math.sqrt(num / den);
}

/**
 * Central finite differences of a scalar loss with respect to every element of `vars`, computed
 * in float32 through the solver itself. The step is h = 4e-3·max(1, |x|): the central difference has
 * truncation error ~ h²|L'''|/6 and rounding error ~ ε_L/h, where ε_L, the float32 error of the
 * loss, is ~1e-6·|L| after a solve; the sum is smallest near h ≈ (ε_L/|L'''|)^{1/3} ≈ 4e-3 (the cube
 * root of float32's 2^-24 is 3.9e-3), giving an error ~3e-4 relative, well inside 1e-2. The
 * perturbation actually applied (x ± h rounded to float32) is the one divided by.
 */
export function finiteDifferences(loss: () => number, vars: readonly tf.Variable[]): number[] {
  const out: number[] = [];
  for (const v of vars) {
    const base = v.dataSync().slice() as Float32Array;
    for (let i = 0; i < base.length; i++) {
      const h = 4e-3 * Math.max(1, Math.abs(base[i]));
      const up = Math.fround(base[i] + h);
      const down = Math.fround(base[i] - h);
      const probe = (x: number) => {
        const vals = base.slice();
        vals[i] = x;
        tf.tidy(() => v.assign(tf.tensor(vals, v.shape)));
        return loss();
      };
      out.push((probe(up) - probe(down)) / (up - down));
    }
    tf.tidy(() => v.assign(tf.tensor(base, v.shape)));
  }
  return out;
}

/** Gradients of `loss` with respect to `vars`, flattened and concatenated in order. */
export function flatGrads(loss: () => Tensor, vars: readonly tf.Variable[]): number[] {
  const { value, grads } = tf.variableGrads(loss as () => tf.Scalar, [...vars]);
  const out: number[] = [];
  for (const v of vars) {
    out.push(...grads[v.name].dataSync());
    grads[v.name].dispose();
  }
  value.dispose();
  return out;
}

/** Wraps f so that every call records the number of live tensors and bytes; read the peaks. */
export function peakProbe<F extends (t: number, y: Tensor) => Tensor>(f: F) {
  const probe = {
    peakTensors: 0,
    peakBytes: 0,
    reset() {
      probe.peakTensors = 0;
      probe.peakBytes = 0;
    },
    f: ((t: number, y: Tensor) => {
      const m = tf.memory();
      probe.peakTensors = Math.max(probe.peakTensors, m.numTensors);
      probe.peakBytes = Math.max(probe.peakBytes, m.numBytes);
      return f(t, y);
    }) as F,
  };
  return probe;
}

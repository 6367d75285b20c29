import { describe, expect, it } from 'vitest';
import type { CnfOptions } from '../../src/cnf/index.js';
import { tf } from '../../src/index.js';
import { probeNoise } from '../../src/nn/index.js';
import { disposeModel, eightGaussians, smallCnf } from './helpers.js';

/**
 * The fused, hand-differentiated dynamics (default) against the generic tangent propagation
 * differentiated by tfjs autodiff (`fused: false`, itself checked against finite differences in
 * gradients.test.ts, 'on the autodiff path', for tanh, swish and elu): the same loss and the
 * same gradient for every variable.
 */
function compare(extra: Partial<CnfOptions>): void {
  const make = (fused: boolean) => smallCnf({ hidden: [8, 8], ...extra, fused });
  const a = make(true);
  const b = make(false);
  const x = eightGaussians(10, 7);
  const noise = [probeNoise('rademacher', [10, 2], 5)];
  const run = (m: typeof a) => {
    const { value, grads } = tf.variableGrads(() => m.trainLoss(x, { noise }).loss as tf.Scalar, [
      ...m.params,
    ] as tf.Variable[]);
    const out = {
      loss: value.dataSync()[0],
      grads: m.params.map((p) => Array.from(grads[p.name].dataSync())),
    };
    tf.dispose([value, ...Object.values(grads)]);
    return out;
  };
  const ra = run(a);
  const rb = run(b);
  expect(Math.abs(ra.loss - rb.loss)).toBeLessThan(1e-4 * Math.max(1, Math.abs(rb.loss)));
  expect(ra.grads.length).toBe(rb.grads.length);
  for (let i = 0; i < rb.grads.length; i++) {
    const scale = Math.max(...rb.grads[i].map(Math.abs));
    expect(scale).toBeGreaterThan(0);
    const err = Math.max(...rb.grads[i].map((g, j) => Math.abs(g - ra.grads[i][j])));
    expect(err).toBeLessThan(2e-3 * scale + 1e-6);
  }
  const la = tf.tidy(() => Array.from(a.logProb(x).dataSync()));
  const lb = tf.tidy(() => Array.from(b.logProb(x).dataSync()));
  for (let i = 0; i < la.length; i++) expect(Math.abs(la[i] - lb[i])).toBeLessThan(1e-4);
  tf.dispose([x, ...noise]);
  disposeModel(a);
  disposeModel(b);
}

describe('fused CNF dynamics equal the autodiff form (loss, every gradient, logProb)', () => {
  for (const layer of ['concatsquash', 'concat'] as const) {
    for (const activation of ['tanh', 'softplus', 'sigmoid'] as const) {
      it(`${layer}/${activation}, exact divergence, kinetic + Jacobian`, () =>
        compare({ layer, activation, divergence: 'exact', kinetic: 0.3, jacobian: 0.2 }));
      it(`${layer}/${activation}, Hutchinson`, () =>
        compare({ layer, activation, divergence: 'hutchinson' }));
    }
  }
  it('adjoint gradients: fused and autodiff agree', () =>
    compare({ divergence: 'exact', gradient: 'adjoint', kinetic: 0.1 }));
  it('a single layer (no hidden units) and two blocks', () => compare({ hidden: [], blocks: 2 }));
  it("layer 'mlp' (time into the first layer only), exact divergence and Hutchinson", () => {
    compare({ layer: 'mlp', activation: 'tanh', divergence: 'exact', kinetic: 0.3 });
    compare({ layer: 'mlp', activation: 'softplus', divergence: 'hutchinson' });
  });
});

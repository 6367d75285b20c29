/**
 * The CNF's adjoint gradient without synchronous reads (CNF.lossAndGradientsAsync, what `train`
 * uses with reads 'async' and gradient 'adjoint') on wasm, with every synchronous read made to
 * throw: the loss, reported numbers and gradients of the synchronous adjoint pass (trainLoss under
 * tf.variableGrads) for the same solves and probes, checked against central finite differences
 * too, and no tensor left behind. (A whole training run against the synchronous run's history:
 * test/async/train-async.test.ts, the adjoint row.)
 */
import { expect, it, vi } from 'vitest';
import { tf } from '../../solvers/tf.js';
import { CNF } from '../../src/node.js';
import { relErr } from '../gradients/helpers.js';
import { withoutSyncReads } from './no-sync-reads.js';

const rk4 = { method: 'rk4' as const, stepSize: 0.1 };
const dopri5 = { method: 'dopri5', rtol: 1e-5, atol: 1e-5 };

const CASES: Array<[string, Record<string, unknown>]> = [
  ['rk4, 2 blocks, trainable T (fused dynamics)', { hidden: [16, 16], blocks: 2, solver: rk4 }],
  ['dopri5, 2 blocks, trainable T, unfused', { hidden: [16], blocks: 2, solver: dopri5, fused: false }],
  [
    'dopri5, Hutchinson, kinetic + Jacobian regularizers',
    {
      hidden: [16, 16],
      solver: dopri5,
      divergence: 'hutchinson',
      kinetic: 0.05,
      jacobian: 0.05,
    },
  ],
  [
    'conditional (context 3), dopri5, fixed T',
    { hidden: [16], contextDim: 3, trainT: false, solver: dopri5 },
  ],
];

const x = tf.tidy(() => tf.mul(tf.randomNormal([32, 2], 0, 1, 'float32', 7), 1.5));
const ctx = tf.tidy(() => tf.randomNormal([32, 3], 0, 1, 'float32', 8));

function build(extra: Record<string, unknown>): CNF {
  const m = new CNF({ dim: 2, seed: 3, gradient: 'adjoint', ...extra });
  // move every weight off its initial value, seeded (the same for both models)
  m.params.forEach((p, i) => {
    if (p.trainable) p.assign(tf.tidy(() => tf.add(p, tf.randomNormal(p.shape, 0, 0.1, 'float32', 60 + i))));
  });
  return m;
}

function flat(ts: readonly tf.Tensor[]): number[] {
  return ts.flatMap((t) => Array.from(t.dataSync()));
}

it.each(CASES)(
  'lossAndGradientsAsync = the synchronous adjoint pass (%s), no synchronous read, no leak',
  async (_name, extra) => {
    const a = build(extra);
    const b = build(extra);
    const c = extra.contextDim ? ctx : undefined;
    let infoA: Record<string, number> = {};
    const ref = tf.variableGrads(() => {
      const out = a.trainLoss(x, c);
      infoA = out.info;
      return out.loss as tf.Scalar;
    }, a.params as tf.Variable[]);
    // the synchronous pass reports the backward NFE of the gradient before it: compare with this one's
    infoA.nfeBackward = a.lastBackwardNfe;

    const before = tf.memory().numTensors;
    const { value: got, attempts } = await withoutSyncReads(() => b.lossAndGradientsAsync(x, c));
    expect(attempts).toBe(0);
    if (!got) throw new Error('no adjoint gradient');
    expect(Object.keys(got.info).sort()).toEqual(Object.keys(infoA).sort());
    for (const [k, v] of Object.entries(infoA)) expect(relErr([got.info[k]], [v]), k).toBeLessThan(1e-6);
    expect(got.info.nfeBackward).toBeGreaterThan(0);
    expect(relErr(got.loss.dataSync(), ref.value.dataSync())).toBeLessThan(1e-6);
    // the same forward and backward solves, run as different kernel sequences: float32 rounding
    const g = flat(got.grads);
    expect(g.length).toBe(b.params.reduce((n, p) => n + p.size, 0));
    expect(relErr(g, flat(a.params.map((p) => ref.grads[p.name])))).toBeLessThan(1e-5);
    tf.dispose([got.loss, ...got.grads]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([ref.value, ...Object.values(ref.grads)]);
    a.dispose();
    b.dispose();
  },
);

it('the async adjoint gradient is the derivative of the loss (central differences, Richardson-extrapolated)', async () => {
  // fixed rk4 steps: the loss is smooth in the weights; the adjoint's backward rk4 solve differs
  // from the exact derivative of the discrete forward solve by O(step⁴)
  const m = build({ hidden: [8], blocks: 2, solver: { method: 'rk4', stepSize: 0.05 } });
  const got = await m.lossAndGradientsAsync(x);
  if (!got) throw new Error('no adjoint gradient');
  const loss = () => {
    const l = m.trainLoss(x).loss;
    const v = l.dataSync()[0];
    l.dispose();
    return v;
  };
  const check = (dirs: tf.Tensor[]) => {
    const directional = got.grads.reduce(
      (s, gr, i) => s + tf.tidy(() => tf.sum(tf.mul(gr, dirs[i])).dataSync()[0]),
      0,
    );
    const shift = (by: number) => {
      for (const [i, p] of m.params.entries()) p.assign(tf.tidy(() => tf.add(p, tf.mul(dirs[i], by))));
    };
    const central = (h: number) => {
      shift(h);
      const up = loss();
      shift(-2 * h);
      const down = loss();
      shift(h);
      return (up - down) / (2 * h);
    };
    // the O(h²) truncation cancels: (4·D(h/2) − D(h)) / 3
    const fd = (4 * central(5e-3) - central(1e-2)) / 3;
    return { directional, fd };
  };
  // a seeded direction over every variable (field weights and both end times) ...
  const all = m.params.map((p, i) => tf.randomNormal(p.shape, 0, 1, 'float32', 900 + i));
  // ... and the end times alone (their gradient 2s·⟨∂L/∂z(T), F(T, z(T))⟩ reads nothing)
  const ends = m.params.map((p) => (m.sqrtEndTimes.includes(p) ? tf.onesLike(p) : tf.zerosLike(p)));
  for (const dirs of [all, ends]) {
    const { directional, fd } = check(dirs);
    expect(Math.abs(directional)).toBeGreaterThan(1e-2);
    expect(relErr([directional], [fd])).toBeLessThan(1e-3);
  }
  tf.dispose([got.loss, ...got.grads, ...all, ...ends]);
  m.dispose();
});

it('gradient backprop: lossAndGradientsAsync resolves to undefined (train replays the solve instead)', async () => {
  const m = new CNF({ dim: 2, hidden: [8], solver: rk4 });
  expect(await m.lossAndGradientsAsync(x)).toBeUndefined();
  m.dispose();
});

it('a failing solve rejects with the solver error and leaves no tensor behind', async () => {
  const m = build({
    hidden: [8],
    blocks: 2,
    solver: { method: 'dopri5', rtol: 1e-5, atol: 1e-5, maxSteps: 2 },
  });
  const before = tf.memory().numTensors;
  const { value: err } = await withoutSyncReads(() =>
    m.lossAndGradientsAsync(x).then(
      () => null,
      (e: unknown) => e as Error,
    ),
  );
  expect(err?.message).toMatch(/maxSteps|steps/);
  expect(tf.memory().numTensors).toBe(before);
  m.dispose();
});

it('a backward pass failing after the last block has produced its gradients leaves no tensor behind', async () => {
  const m = build({ hidden: [8], blocks: 2, solver: rk4 });
  const before = tf.memory().numTensors;
  const spy = vi.spyOn(m.blocks[0], 'adjointBackwardAsync').mockRejectedValue(new Error('backward failed'));
  await expect(m.lossAndGradientsAsync(x)).rejects.toThrow('backward failed');
  expect(spy).toHaveBeenCalledTimes(1);
  spy.mockRestore();
  expect(tf.memory().numTensors).toBe(before);
  m.dispose();
});

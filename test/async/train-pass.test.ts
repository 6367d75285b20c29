/**
 * The read-free training pass (DensityModel.trainPassAsync) on wasm, with every synchronous read
 * made to throw while it runs: for each kind of model it must give trainLoss's loss, reported
 * numbers and gradients exactly (same steps, probes, draws), and leave no tensor behind. Two
 * identically built models run the two paths, so seeded noise sequences match.
 */
import { describe, expect, it } from 'vitest';
import { createModel, type DensityModel, type FlowModel, tf } from '../../src/index.js';
import { relErr } from '../gradients/helpers.js';
import { withoutSyncReads } from './no-sync-reads.js';

const rk4 = { method: 'rk4', stepSize: 0.1 };
const dopri5 = { method: 'dopri5', rtol: 1e-4, atol: 1e-4 };

const CASES: Array<[string, string, Record<string, unknown>]> = [
  ['cnf rk4, 2 blocks, trainable T', 'cnf', { hidden: [16, 16], blocks: 2, solver: rk4 }],
  ['cnf dopri5, 2 blocks, trainable T', 'cnf', { hidden: [16, 16], blocks: 2, solver: dopri5 }],
  [
    'cnf dopri5, Hutchinson, kinetic + Jacobian regularizers',
    'cnf',
    { hidden: [16, 16], solver: dopri5, divergence: 'hutchinson', kinetic: 0.05, jacobian: 0.05 },
  ],
  ['glow (ActNorm initialised by the first batch)', 'glow', { hidden: [16], steps: 2 }],
  ['realnvp', 'realnvp', { hidden: [16], layers: 4 }],
  ['maf', 'maf', { hidden: [16], layers: 2 }],
  ['planar', 'planar', { layers: 4 }],
  ['ffjord-multiscale (stacked blocks)', 'ffjord-multiscale', { hidden: [16], blocks: 2, train: rk4 }],
  ['radial', 'radial', { layers: 4 }],
  ['flow matching, exact OT coupling', 'flow-matching', { hidden: [16, 16], objective: 'ot-cfm' }],
  ['flow matching, Sinkhorn coupling', 'flow-matching', { hidden: [16], coupling: 'sinkhorn' }],
];

function build(kind: string, extra: Record<string, unknown>): FlowModel {
  return createModel(kind, { dim: 2, seed: 3, ...extra }) as FlowModel;
}

function flat(vars: readonly tf.Variable[], g: tf.NamedTensorMap): number[] {
  return vars.flatMap((v) => Array.from(g[v.name].dataSync()));
}

const x = tf.tidy(() => tf.mul(tf.randomNormal([32, 2], 0, 1, 'float32', 7), 1.5));

describe.each(CASES)('trainPassAsync: %s', (_name, kind, extra) => {
  it('= trainLoss (loss, info, gradients), with no synchronous read and no leak', async () => {
    const a = build(kind, extra);
    const b = build(kind, extra);
    let infoA: Record<string, number> = {};
    const ref = tf.variableGrads(() => {
      const out = a.trainLoss(x);
      infoA = out.info;
      return out.loss as tf.Scalar;
    }, a.params as tf.Variable[]);

    const before = tf.memory().numTensors;
    const { value: got, attempts } = await withoutSyncReads(async () => {
      const pass = await (b as DensityModel).trainPassAsync?.(x);
      if (!pass) throw new Error('no trainPassAsync');
      let reads: Record<string, tf.Tensor> = {};
      let info: Record<string, number> = {};
      const g = tf.variableGrads(() => {
        const out = pass.loss();
        reads = out.reads;
        info = { ...out.info };
        return out.loss as tf.Scalar;
      }, b.params as tf.Variable[]);
      pass.dispose();
      for (const [k, t] of Object.entries(reads)) {
        info[k] = (await t.data())[0];
        t.dispose();
      }
      return { ...g, info };
    });
    expect(attempts).toBe(0);
    // equal up to float32 rounding (the replay runs the same kernels, not always in the same order)
    expect(Object.keys(got.info).sort()).toEqual(Object.keys(infoA).sort());
    for (const [k, v] of Object.entries(infoA)) expect(relErr([got.info[k]], [v]), k).toBeLessThan(1e-6);
    expect(relErr(got.value.dataSync(), ref.value.dataSync())).toBeLessThan(1e-6);
    expect(relErr(flat(b.params, got.grads), flat(a.params, ref.grads))).toBeLessThan(1e-6);
    tf.dispose([got.value, ...Object.values(got.grads)]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([ref.value, ...Object.values(ref.grads)]);
    a.dispose();
    b.dispose();
  });
});

it("names what has no read-free training pass: a CNF block's adjoint gradient (the CNF model trains it via lossAndGradientsAsync)", async () => {
  const m = build('cnf', { hidden: [8], solver: rk4, gradient: 'adjoint' });
  const before = tf.memory().numTensors;
  await expect(m.trainPassAsync(x)).rejects.toThrow(
    /gradient 'adjoint' has no training pass free of synchronous reads.*lossAndGradientsAsync/,
  );
  expect(tf.memory().numTensors).toBe(before);
  m.dispose();
});

describe('every kind of the model table: logProbAsync and sampleAsync read nothing synchronously and equal logProb / sample', () => {
  const SMALL: Record<string, Record<string, unknown>> = {
    cnf: { hidden: [16], solver: dopri5 },
    'flow-matching': { hidden: [16], eval: dopri5 },
    realnvp: { hidden: [16], layers: 2 },
    glow: { hidden: [16], steps: 2 },
    maf: { hidden: [16], layers: 2 },
    nice: { hidden: [16], layers: 2 },
    planar: { layers: 3 },
    'ffjord-multiscale': { hidden: [16], blocks: 2, eval: dopri5 },
    nsf: { hidden: [16], layers: 2 },
    radial: { layers: 3 },
  };
  it.each(Object.keys(SMALL))('%s', async (kind) => {
    const m = build(kind, SMALL[kind]);
    // move every weight off its initial value (no layer is the identity), seeded
    m.params.forEach((p, i) => {
      if (p.trainable)
        p.assign(tf.tidy(() => tf.add(p, tf.randomNormal(p.shape, 0, 0.1, 'float32', 50 + i))));
    });
    const lpSync = m.logProb(x);
    const sSync = m.sample(8, 5);
    const before = tf.memory().numTensors;
    const { value, attempts } = await withoutSyncReads(async () => ({
      lp: await m.logProbAsync(x),
      s: await m.sampleAsync(8, 5),
    }));
    expect(attempts).toBe(0);
    expect(relErr(await value.lp.data(), await lpSync.data())).toBeLessThan(1e-6);
    expect(relErr(await value.s.data(), await sSync.data())).toBeLessThan(1e-6);
    tf.dispose([value.lp, value.s]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([lpSync, sSync]);
    m.dispose();
  });
});

describe('image models (dequantization, logit, multi-scale levels)', () => {
  const IMAGES: Array<[string, Record<string, unknown>]> = [
    ['glow', { imageShape: [4, 4, 1], steps: 1, hidden: [8], pixelLevels: 4 }],
    [
      'realnvp',
      { imageShape: [4, 4, 1], layers: 1, hidden: [8], pixelLevels: 4, dequantization: 'variational' },
    ],
    [
      'ffjord-multiscale',
      {
        imageShape: [4, 4, 1],
        levels: 2,
        hidden: [8],
        pixelLevels: 4,
        train: rk4,
        eval: { method: 'rk4', stepSize: 0.25 },
      },
    ],
  ];
  const pixels = tf.tidy(() => tf.floor(tf.randomUniform([6, 16], 0, 4, 'float32', 9)));

  it.each(IMAGES)(
    '%s: trainPassAsync = trainLoss for the same dequantization draw; logProbAsync / sampleAsync read nothing',
    async (kind, cfg) => {
      const make = () => {
        const m = createModel(kind, { dim: 16, seed: 5, ...cfg }) as FlowModel;
        // one dequantization draw for both paths (trainLoss draws unseeded)
        const dq = m.dequantizer;
        if (dq) {
          const draw = dq.dequantize.bind(dq);
          (dq as { dequantize: typeof draw }).dequantize = (v) => draw(v, 123);
        }
        return m;
      };
      const a = make();
      const b = make();
      const ref = tf.variableGrads(() => a.trainLoss(pixels).loss as tf.Scalar, a.params as tf.Variable[]);
      const before = tf.memory().numTensors;
      const { value: got, attempts } = await withoutSyncReads(async () => {
        const pass = await b.trainPassAsync(pixels);
        const g = tf.variableGrads(() => {
          const out = pass.loss();
          tf.dispose(Object.values(out.reads));
          return out.loss as tf.Scalar;
        }, b.params as tf.Variable[]);
        pass.dispose();
        const lp = await b.logProbAsync(pixels);
        const s = await b.sampleAsync(3, 4);
        tf.dispose([lp, s]);
        return g;
      });
      expect(attempts).toBe(0);
      expect(relErr(got.value.dataSync(), ref.value.dataSync())).toBeLessThan(1e-6);
      expect(relErr(flat(b.params, got.grads), flat(a.params, ref.grads))).toBeLessThan(1e-5);
      tf.dispose([got.value, ...Object.values(got.grads)]);
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([ref.value, ...Object.values(ref.grads)]);
      a.dispose();
      b.dispose();
    },
  );
});

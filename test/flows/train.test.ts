import { describe, expect, it } from 'vitest';
import { tf } from '../../solvers/tf.js';
import { digitsData } from '../../src/data/digits.js';
import { toyData, toySampler } from '../../src/data/index.js';
import { type FlowModel, glow, maf, nice, planar, radial, realNVP } from '../../src/flows/index.js';
import { read } from './helpers.js';

// src/train's `train` loop did not exist when these tests were written: a minimal Adam loop on
// `trainLoss`, as `train` runs it, is used instead. The toy data come from src/data.
function adamSteps(
  m: FlowModel,
  batch: (i: number) => tf.Tensor,
  iters: number,
  lr: number,
  from = 1,
): tf.Optimizer {
  const opt = tf.train.adam(lr);
  for (let i = from; i < from + iters; i++) {
    const x = batch(i);
    const loss = opt.minimize(() => m.trainLoss(x).loss as tf.Scalar, true, m.params as tf.Variable[]);
    loss?.dispose();
    x.dispose();
  }
  return opt;
}

function meanNll(m: FlowModel, x: tf.Tensor): number {
  return read(tf.tidy(() => tf.neg(tf.mean(m.logProb(x)))))[0];
}

describe('no tensor leaks over 50 training iterations', () => {
  const models: [string, () => FlowModel][] = [
    ['realnvp', () => realNVP({ layers: 4, hidden: [16] })],
    ['nice', () => nice({ layers: 4, hidden: [16] })],
    ['glow', () => glow({ steps: 2, hidden: [16] })],
    ['maf', () => maf({ layers: 2, hidden: [16] })],
    ['planar', () => planar({ layers: 4 })],
    ['radial', () => radial({ layers: 4 })],
    [
      'realnvp digits (variational dequantization)',
      () => realNVP({ imageShape: [8, 8, 1], layers: 1, hidden: [16], dequantization: 'variational' }),
    ],
    ['glow digits', () => glow({ imageShape: [8, 8, 1], steps: 1, hidden: [16] })],
  ];
  it.each(models)('%s', (name, make) => {
    const m = make();
    const image = name.includes('digits');
    const data = image ? digitsData({ test: 100 }).test : toyData('8gaussians', 64, 3);
    const opt = tf.train.adam(1e-3);
    const step = () => {
      const loss = opt.minimize(() => m.trainLoss(data).loss as tf.Scalar, true, m.params as tf.Variable[]);
      loss?.dispose();
    };
    step(); // creates the optimizer's slots and initialises ActNorm
    const before = tf.memory().numTensors;
    for (let i = 0; i < 49; i++) step();
    read(m.sample(4, 1)); // sampling leaks nothing either
    expect(tf.memory().numTensors).toBe(before);
    opt.dispose();
    data.dispose();
  });
});

describe('RealNVP on 8gaussians', () => {
  // 900 iterations: at 600 the held-out NLL depends on the initial draw (seeds 0, 1, 2: 3.06, 3.12,
  // 3.34 with main's generators, 3.22, 3.10, 3.12 with the one Rng). At lr 5e-3 the end point also
  // depends on float rounding: seeds 0–3 gave 3.14, 3.16, 3.11, 3.25 with the conditioners'
  // tf.fused.matMul and 3.26, 3.20, 3.13, 3.41 with matMul + add (the same gradients to float32
  // rounding); at lr 3e-3 all eight runs end at 3.11–3.18.
  it('reaches held-out NLL ≤ 3.2 nats in 900 Adam iterations (batch 256, lr 3e-3)', () => {
    const m = realNVP({ layers: 6, hidden: [48, 48], seed: 0 });
    const test = toyData('8gaussians', 2000, 123);
    const start = meanNll(m, test);
    const sampler = toySampler('8gaussians', 1);
    const t0 = performance.now();
    adamSteps(m, (i) => sampler(256, i), 900, 3e-3);
    const nll = meanNll(m, test);
    console.log(
      `RealNVP 8gaussians: NLL ${start.toFixed(3)} → ${nll.toFixed(3)} in 900 iterations, ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
    expect(nll).toBeLessThanOrEqual(3.2);
    test.dispose();
  });
});

// Measured (see the report): thresholds set honestly below what these runs reach.
const DIGITS_BPD_REALNVP = 2.45; // measured 2.26 (7 s on wasm); untrained 5.37; independent uniform pixels 4.09
const DIGITS_BPD_GLOW = 2.6; // measured 2.43 (10 s on wasm); untrained 3.80

describe('multi-scale flows on the 8×8 digits', () => {
  it.each([
    [
      'realnvp',
      () => realNVP({ imageShape: [8, 8, 1], layers: 2, hidden: [64], seed: 0 }),
      DIGITS_BPD_REALNVP,
    ],
    ['glow', () => glow({ imageShape: [8, 8, 1], steps: 2, hidden: [64], seed: 0 }), DIGITS_BPD_GLOW],
  ] as const)(
    '%s: held-out bits/dim falls below the stated figure after 300 iterations',
    (name, make, limit) => {
      const { train, test } = digitsData({ test: 297, seed: 0 });
      const m = make();
      const nTrain = train.shape[0];
      const t0 = performance.now();
      const bpd0 = m.bitsPerDim(test);
      adamSteps(
        m,
        (i) =>
          tf.tidy(() =>
            tf.gather(
              train,
              tf.tensor1d(
                Array.from({ length: 64 }, (_, k) => (i * 64 + k) % nTrain),
                'int32',
              ),
            ),
          ),
        300,
        2e-3,
      );
      const bpd = m.bitsPerDim(test);
      console.log(
        `${name} digits: held-out bits/dim ${bpd0.toFixed(3)} → ${bpd.toFixed(3)} in 300 iterations, ${((performance.now() - t0) / 1000).toFixed(1)} s`,
      );
      expect(bpd).toBeLessThan(limit);
      train.dispose();
      test.dispose();
    },
  );
});

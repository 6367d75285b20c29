import { describe, expect, it } from 'vitest';
import { type Tensor, tf } from '../../solvers/tf.js';
import {
  ActNorm,
  Coupling,
  chain,
  channelMask,
  checkerboardMask,
  DiagonalScaling,
  glow,
  halfMask,
  invert,
  Logit,
  LuLinear,
  MafLayer,
  Permutation,
  Planar,
  Radial,
  realNVP,
  Sigmoid,
  Squeeze,
} from '../../src/flows/index.js';
import { autodiffLogDet, type Case, maxAbsDiff, perturb, read } from './helpers.js';

const normal =
  (shape: number[], seed: number, std = 1) =>
  () =>
    tf.randomNormal(shape, 0, std, 'float32', seed);
const unit = (shape: number[], seed: number) => () => tf.randomUniform(shape, 0.02, 0.98, 'float32', seed);

const cases: Case[] = [
  {
    name: 'affine coupling tanh 2-D',
    make: () => new Coupling({ mask: halfMask(2, 0), hidden: [16], seed: 1 }),
    input: normal([4, 2], 1),
  },
  {
    name: 'affine coupling sigmoid 3-D',
    make: () => new Coupling({ mask: halfMask(3, 1), hidden: [16], scale: 'sigmoid', seed: 2 }),
    input: normal([4, 3], 2),
  },
  {
    name: 'additive coupling 2-D',
    make: () => new Coupling({ mask: halfMask(2, 1), hidden: [16], scale: 'none', seed: 3 }),
    input: normal([4, 2], 3),
  },
  { name: 'diagonal scaling', make: () => new DiagonalScaling(3), input: normal([4, 3], 4) },
  { name: 'actnorm 2-D', make: () => new ActNorm(2), input: normal([4, 2], 5, 3) },
  { name: 'LU linear 3-D', make: () => new LuLinear(3, 7), input: normal([4, 3], 6) },
  { name: 'permutation', make: () => new Permutation([2, 0, 1]), input: normal([4, 3], 7) },
  { name: 'planar 2-D', make: () => new Planar(2, 5, 0.8), input: normal([6, 2], 8, 2) },
  { name: 'planar 3-D', make: () => new Planar(3, 6, 0.8), input: normal([6, 3], 9, 2) },
  { name: 'radial 2-D', make: () => new Radial(2, 7, 0.8), input: normal([6, 2], 10, 2) },
  { name: 'radial 3-D', make: () => new Radial(3, 8, 0.8), input: normal([6, 3], 11, 2) },
  {
    name: 'MAF layer 3-D',
    make: () => new MafLayer(3, { hidden: [16, 16], seed: 4 }),
    input: normal([4, 3], 12),
  },
  { name: 'sigmoid', make: () => new Sigmoid(), input: normal([4, 3], 13, 2) },
  { name: 'logit', make: () => new Logit(0.05), input: unit([4, 3], 14) },
  {
    name: 'chain + invert(planar)',
    make: () =>
      chain([
        new Coupling({ mask: halfMask(2, 0), hidden: [8], seed: 9 }),
        invert(new Planar(2, 3, 0.8)),
        new Permutation([1, 0]),
      ]),
    input: normal([4, 2], 15),
  },
  // image shapes [B, H, W, C]
  {
    name: 'checkerboard coupling 4×4×2',
    make: () => new Coupling({ mask: checkerboardMask([4, 4, 2], 0), hidden: [16], seed: 5 }),
    input: normal([2, 4, 4, 2], 16),
  },
  {
    name: 'channel coupling 4×4×2',
    make: () => new Coupling({ mask: channelMask([4, 4, 2], 1), hidden: [16], scale: 'sigmoid', seed: 6 }),
    input: normal([2, 4, 4, 2], 17),
  },
  { name: 'actnorm 4×4×2', make: () => new ActNorm(2), input: normal([2, 4, 4, 2], 18) },
  { name: '1×1 conv (LU) 4×4×2', make: () => new LuLinear(2, 3), input: normal([2, 4, 4, 2], 19) },
  { name: 'squeeze 4×4×2', make: () => new Squeeze(), input: normal([2, 4, 4, 2], 20) },
  {
    name: 'multi-scale RealNVP 4×4×2 (logit + squeeze + split)',
    make: () => realNVP({ imageShape: [4, 4, 2], layers: 1, hidden: [16], seed: 3 }).bijector,
    input: unit([2, 4, 4, 2], 21),
    perturb: 0.05,
  },
  {
    name: 'multi-scale Glow 4×4×1',
    make: () => glow({ imageShape: [4, 4, 1], steps: 1, hidden: [16], seed: 4 }).bijector,
    input: unit([2, 4, 4, 1], 22),
    perturb: 0.05,
  },
];

describe.each(cases)('$name', ({ make, input, perturb: std }) => {
  const b = make();
  const x = input();
  // Data-dependent init first (ActNorm), then move every parameter off its identity initialisation.
  read(b.forward(x).logDet);
  perturb(b.params, std ?? 0.3, 100);

  it('inverse(forward(x)) ≈ x within 1e-4 and logDets are opposite', () => {
    const f = b.forward(x);
    const inv = b.inverse(f.y);
    expect(inv.x.shape).toEqual(x.shape);
    expect(maxAbsDiff(inv.x, x)).toBeLessThan(1e-4);
    const sum = read(tf.add(f.logDet, inv.logDet));
    for (const s of sum) expect(Math.abs(s)).toBeLessThan(1e-3);
    // the map must do something (a test of invertibility on the identity proves little)
    if (f.y.size === x.size && b.name !== 'squeeze' && b.name !== 'permutation') {
      expect(maxAbsDiff(tf.reshape(f.y, x.shape), x)).toBeGreaterThan(1e-2);
    }
  });

  it('forward logDet = log|det J| (first-order autodiff Jacobian)', () => {
    const ld = read(b.forward(x).logDet);
    const ref = autodiffLogDet((t: Tensor) => b.forward(t).y, x);
    ld.forEach((v, i) => {
      expect(Math.abs(v - ref[i])).toBeLessThan(2e-3 + 2e-4 * Math.abs(ref[i]));
    });
  });

  it('inverse logDet = log|det J| of the inverse', () => {
    const y = b.forward(x).y;
    const ld = read(b.inverse(y).logDet);
    const ref = autodiffLogDet((t: Tensor) => b.inverse(t).x, y);
    ld.forEach((v, i) => {
      expect(Math.abs(v - ref[i])).toBeLessThan(2e-3 + 2e-4 * Math.abs(ref[i]));
    });
  });
});

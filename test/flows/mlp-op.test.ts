import { describe, expect, it } from 'vitest';
import { releaseTape } from '../../solvers/tape.js';
import { type Tensor, tf } from '../../solvers/tf.js';
import { Rng } from '../../src/data/rng.js';
import { Mlp } from '../../src/flows/mlp.js';

/**
 * The conditioner MLP as one hand-differentiated op (src/flows/mlp-op.ts) against (a) the same
 * network written from plain tf ops and differentiated by tfjs autodiff, and (b) central finite
 * differences of a float64 JS evaluation of network and loss.
 */

interface Case {
  name: string;
  inDim: number;
  hidden: number[];
  outDim: number;
  batch: number;
  masked: boolean;
  /** Width of a context concatenated to the input (0: none). */
  context: number;
}

const CASES: Case[] = [
  { name: 'no hidden layer, batch 1', inDim: 3, hidden: [], outDim: 2, batch: 1, masked: false, context: 0 },
  {
    name: 'one hidden layer, batch 7',
    inDim: 2,
    hidden: [8],
    outDim: 4,
    batch: 7,
    masked: false,
    context: 0,
  },
  { name: 'two hidden, batch 1', inDim: 2, hidden: [16, 12], outDim: 4, batch: 1, masked: false, context: 0 },
  {
    name: 'two hidden, masked, batch 9',
    inDim: 3,
    hidden: [10, 10],
    outDim: 6,
    batch: 9,
    masked: true,
    context: 0,
  },
  {
    name: 'three hidden, masked, batch 1',
    inDim: 4,
    hidden: [8, 8, 8],
    outDim: 8,
    batch: 1,
    masked: true,
    context: 0,
  },
  {
    name: 'two hidden, context, batch 6',
    inDim: 2,
    hidden: [12, 12],
    outDim: 4,
    batch: 6,
    masked: false,
    context: 3,
  },
  {
    name: 'masked with context, batch 5',
    inDim: 3,
    hidden: [9],
    outDim: 6,
    batch: 5,
    masked: true,
    context: 2,
  },
];

/** Random 0/1 masks `[in, out]` per layer (about 2/3 ones), as plain arrays. */
function randomMasks(widths: number[], rng: Rng): number[][] {
  return widths
    .slice(0, -1)
    .map((w, l) => Array.from({ length: w * widths[l + 1] }, () => (rng.uniform() < 0.67 ? 1 : 0)));
}

/** Everything one case needs, as tensors and as float64 arrays. */
function setup(c: Case, seed: number) {
  const rng = new Rng(seed);
  const inW = c.inDim + c.context;
  const widths = [inW, ...c.hidden, c.outDim];
  const maskData = c.masked ? randomMasks(widths, rng) : null;
  const masks = maskData?.map((m, l) => tf.tensor2d(m, [widths[l], widths[l + 1]]));
  const mlp = new Mlp({ inDim: inW, hidden: c.hidden, outDim: c.outDim, seeds: rng, outInitStd: 0.7, masks });
  // non-zero biases, so that ReLUs switch at varied places
  mlp.params.forEach((p, i) => {
    if (p.rank === 1) p.assign(tf.tidy(() => tf.randomNormal(p.shape, 0, 0.5, 'float32', seed + 100 + i)));
  });
  const x = tf.randomNormal([c.batch, c.inDim], 0, 1, 'float32', seed + 1);
  const ctx = c.context > 0 ? tf.randomNormal([c.batch, c.context], 0, 1, 'float32', seed + 2) : null;
  // the downstream loss L = Σ r1 ⊙ out² + r2 ⊙ out
  const r1 = tf.randomNormal([c.batch, c.outDim], 0, 1, 'float32', seed + 3);
  const r2 = tf.randomNormal([c.batch, c.outDim], 0, 1, 'float32', seed + 4);
  return { widths, maskData, masks, mlp, x, ctx, r1, r2 };
}

type Setup = ReturnType<typeof setup>;

const lossOf = (out: Tensor, s: Setup): tf.Scalar =>
  tf.add(tf.sum(tf.mul(s.r1, tf.square(out))), tf.sum(tf.mul(s.r2, out))) as tf.Scalar;

const inputOf = (x: Tensor, ctx: Tensor | null): Tensor => (ctx ? tf.concat([x, ctx], 1) : x);

/** The same network from plain tf ops (tfjs autodiff differentiates it). */
function reference(input: Tensor, params: readonly Tensor[], masks: readonly Tensor[] | undefined): Tensor {
  const n = params.length / 2;
  let h = input;
  for (let l = 0; l < n; l++) {
    const w = masks ? tf.mul(params[2 * l], masks[l]) : params[2 * l];
    h = tf.add(tf.matMul(h, w), params[2 * l + 1]);
    if (l + 1 < n) h = tf.relu(h);
  }
  return h;
}

/** The loss in float64 JS from flat arrays: input rows [B][in], params as the Mlp's. */
function lossF64(input: number[][], params: number[][], s: Setup): number {
  const n = params.length / 2;
  const r1 = s.r1.arraySync() as number[][];
  const r2 = s.r2.arraySync() as number[][];
  let total = 0;
  input.forEach((row, bIdx) => {
    let h = row;
    for (let l = 0; l < n; l++) {
      const din = s.widths[l];
      const dout = s.widths[l + 1];
      const W = params[2 * l];
      const bias = params[2 * l + 1];
      const z = new Array<number>(dout).fill(0);
      for (let o = 0; o < dout; o++) {
        let acc = bias[o];
        for (let i = 0; i < din; i++) {
          const m = s.maskData ? s.maskData[l][i * dout + o] : 1;
          acc += h[i] * W[i * dout + o] * m;
        }
        z[o] = l + 1 < n ? Math.max(0, acc) : acc;
      }
      h = z;
    }
    h.forEach((v, o) => {
      total += r1[bIdx][o] * v * v + r2[bIdx][o] * v;
    });
  });
  return total;
}

function maxAbs(a: Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(a)).dataSync()[0]);
}

function maxDiff(a: Tensor, b: Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}

function disposeSetup(s: Setup): void {
  tf.dispose([...s.mlp.params, ...(s.masks ?? []), s.x, ...(s.ctx ? [s.ctx] : []), s.r1, s.r2]);
}

describe('Mlp.apply: one op with a hand-written backward pass', () => {
  CASES.forEach((c, k) => {
    it(`${c.name}: value and gradients (x, context, every W and b) equal tfjs autodiff of plain ops`, () => {
      const s = setup(c, 10 + 7 * k);
      const vars = s.mlp.params;
      const ins = s.ctx ? [s.x, s.ctx] : [s.x];
      const n = vars.length;
      // gradients w.r.t. the inputs and the variables, both ways
      const ours = tf.grads((...a: Tensor[]) => lossOf(s.mlp.apply(inputOf(a[0], s.ctx ? a[1] : null)), s))([
        ...ins,
      ]);
      const oursV = tf.variableGrads(() => lossOf(s.mlp.apply(inputOf(s.x, s.ctx)), s), vars);
      const refG = tf.grads((...a: Tensor[]) =>
        lossOf(reference(inputOf(a[0], s.ctx ? a[1] : null), a.slice(ins.length), s.masks), s),
      )([...ins, ...vars]);
      const value = tf.tidy(() => s.mlp.apply(inputOf(s.x, s.ctx)));
      const refValue = tf.tidy(() => reference(inputOf(s.x, s.ctx), vars, s.masks));
      expect(value.shape).toEqual([c.batch, c.outDim]);
      expect(maxDiff(value, refValue)).toBeLessThan(1e-6 * Math.max(1, maxAbs(refValue)));
      const refLoss = tf.tidy(() => lossOf(refValue, s).dataSync()[0]);
      expect(Math.abs(oursV.value.dataSync()[0] - refLoss)).toBeLessThan(
        1e-5 * Math.max(1, Math.abs(refLoss)),
      );
      ins.forEach((_, i) => {
        const scale = maxAbs(refG[i]);
        expect(scale).toBeGreaterThan(1e-3);
        expect(maxDiff(ours[i], refG[i])).toBeLessThan(1e-6 * Math.max(1, scale));
      });
      for (let i = 0; i < n; i++) {
        const want = refG[ins.length + i];
        const got = oursV.grads[vars[i].name];
        expect(got.shape).toEqual(vars[i].shape);
        const scale = maxAbs(want);
        expect(scale).toBeGreaterThan(1e-3); // every variable gets a real gradient
        expect(maxDiff(got, want)).toBeLessThan(1e-6 * Math.max(1, scale));
      }
      tf.dispose([...ours, oursV.value, ...Object.values(oursV.grads), ...refG, value, refValue]);
      disposeSetup(s);
    });
  });

  for (const k of [1, 3, 5]) {
    const c = CASES[k];
    it(`${c.name}: gradients match central differences of a float64 evaluation`, () => {
      const s = setup(c, 40 + k);
      const vars = s.mlp.params;
      const input = inputOf(s.x, s.ctx);
      const rows = input.arraySync() as number[][];
      const params = vars.map((v) => Array.from(v.dataSync()));
      const { grads } = tf.variableGrads(() => lossOf(s.mlp.apply(input), s), vars);
      const dx = tf.grad((a: Tensor) => lossOf(s.mlp.apply(a), s))(input);
      const dxv = dx.arraySync() as number[][];
      const h = 1e-6;
      const rng = new Rng(k);
      // every input coordinate (x and context) of two rows
      for (const b of [0, c.batch - 1]) {
        for (let i = 0; i < rows[0].length; i++) {
          const at = (e: number) =>
            lossF64(
              rows.map((r, q) => (q === b ? r.map((v, j) => (j === i ? v + e : v)) : r)),
              params,
              s,
            );
          const fd = (at(h) - at(-h)) / (2 * h);
          expect(Math.abs(dxv[b][i] - fd)).toBeLessThan(1e-4 * Math.max(1, Math.abs(fd)));
        }
      }
      // three random coordinates of every weight and bias
      vars.forEach((v, p) => {
        const g = grads[v.name].dataSync();
        for (let r = 0; r < 3; r++) {
          const j = rng.int(v.size);
          const at = (e: number) =>
            lossF64(
              rows,
              params.map((q, pp) => (pp === p ? q.map((w, jj) => (jj === j ? w + e : w)) : q)),
              s,
            );
          const fd = (at(h) - at(-h)) / (2 * h);
          expect(Math.abs(g[j] - fd)).toBeLessThan(1e-4 * Math.max(1, Math.abs(fd)));
        }
      });
      tf.dispose([input, dx, ...Object.values(grads)]);
      disposeSetup(s);
    });
  }

  it('leaves no tensors behind: without a tape, under a gradient, and when the loss or its gradient throws', () => {
    for (const c of [CASES[2], CASES[4], CASES[6]]) {
      const s = setup(c, 70);
      const vars = s.mlp.params;
      const input = inputOf(s.x, s.ctx);
      // plain inference: the output only
      let before = tf.memory().numTensors;
      const y = s.mlp.apply(input);
      expect(tf.memory().numTensors).toBe(before + 1);
      y.dispose();
      expect(tf.memory().numTensors).toBe(before);
      // under a gradient: value + one gradient per variable
      before = tf.memory().numTensors;
      const r = tf.variableGrads(() => lossOf(s.mlp.apply(input), s), vars);
      expect(tf.memory().numTensors).toBe(before + 1 + vars.length);
      tf.dispose([r.value, ...Object.values(r.grads)]);
      expect(tf.memory().numTensors).toBe(before);
      // the downstream loss throws in the forward pass
      before = tf.memory().numTensors;
      expect(() =>
        tf.variableGrads(() => {
          const out = s.mlp.apply(input);
          if (out.shape[0] > 0) throw new Error('downstream failure');
          return lossOf(out, s);
        }, vars),
      ).toThrow(/downstream failure/);
      releaseTape();
      expect(tf.memory().numTensors).toBe(before);
      // a downstream op whose gradient throws (the op's backward never runs)
      const failing = tf.customGrad((...args: Array<Tensor | tf.GradSaveFunc>) => ({
        value: tf.sum(args[0] as Tensor) as tf.Scalar,
        gradFunc: () => {
          throw new Error('backward failure');
        },
      }));
      before = tf.memory().numTensors;
      expect(() => tf.variableGrads(() => failing(s.mlp.apply(input)) as tf.Scalar, vars)).toThrow(
        /backward failure/,
      );
      releaseTape();
      expect(tf.memory().numTensors).toBe(before);
      input.dispose();
      disposeSetup(s);
    }
  });

  it('refuses an input of the wrong width, naming the shapes', () => {
    const mlp = new Mlp({ inDim: 3, hidden: [4], outDim: 2, seeds: new Rng(1) });
    const x = tf.zeros([5, 2]);
    expect(() => mlp.apply(x)).toThrow(/Mlp\.apply: x has shape \[5, 2\]; expected \[B, 3\]/);
    tf.dispose([x, ...mlp.params]);
  });
});

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Tensor, tf } from '../../solvers/tf.js';
import { toySampler } from '../../src/data/index.js';
import type { DensityModel, LossInfo } from '../../src/model.js';
import {
  type IterationRecord,
  loadCheckpoint,
  meanNll,
  TrainingDivergedError,
  train,
} from '../../src/node.js';
import { gaussian, paramValues, TEST_TABLE } from './gaussian-model.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'odeflow-train-'));

describe('train', () => {
  it('reduces held-out NLL of a Gaussian on 8gaussians toward the best Gaussian fit', async () => {
    const model = gaussian(2, { mean: 1 });
    const sampler = toySampler('8gaussians', 1);
    const result = await train(model, sampler, {
      iterations: 150,
      batchSize: 200,
      learningRate: 0.05,
      evalEvery: 50,
      progress: false,
    });
    expect(result.history.map((r) => r.iteration)).toEqual(Array.from({ length: 150 }, (_, i) => i + 1));
    const evals = result.history.filter((r) => r.testNll !== undefined).map((r) => r.iteration);
    expect(evals).toEqual([50, 100, 150]);
    // best diagonal Gaussian: variance 8.25/2 per axis → NLL = log(2πe·4.125) ≈ 4.255; start ≈ 6.4
    const test = toySampler('8gaussians', 1)(1000, -1);
    const start = meanNll(gaussian(2, { mean: 1 }), test);
    expect(start).toBeGreaterThan(6);
    expect(result.testNll).toBeLessThan(4.45);
    expect(meanNll(model, test)).toBeCloseTo(result.testNll ?? 0, 5);
    expect(result.history[0].info.nfe).toBe(11);
    expect(result.stopped).toBe('done');
    test.dispose();
  });

  it('applies decoupled weight decay: θ·(1 − lr·λ)^k when the gradient is zero', async () => {
    const model = gaussian(2, { mean: 2 });
    const flat: DensityModel = {
      dim: 2,
      params: model.params,
      logProb: (x) => model.logProb(x),
      sample: (n) => model.sample(n),
      config: () => model.config(),
      trainLoss: (): { loss: Tensor; info: LossInfo } => ({
        loss: tf.mul(0, tf.add(tf.sum(model.params[0]), tf.sum(model.params[1]))),
        info: {},
      }),
    };
    await train(flat, toySampler('moons', 0), {
      iterations: 10,
      learningRate: 0.1,
      weightDecay: 0.5,
      evalEvery: 0,
      progress: false,
    });
    const expected = 2 * 0.95 ** 10;
    for (const v of paramValues(model)[0]) expect(v).toBeCloseTo(expected, 5);
  });

  it('leaks no tensors over 50 iterations (with evaluation and checkpoints)', async () => {
    const model = gaussian();
    const counts: number[] = [];
    await train(model, toySampler('rings', 2), {
      iterations: 51,
      batchSize: 64,
      evalEvery: 10,
      testSize: 200,
      checkpointDir: tmp(),
      checkpointEvery: 10,
      progress: false,
      onIteration: () => {
        counts.push(tf.memory().numTensors);
      },
    });
    // after the first step Adam has made its moment variables; nothing may accumulate after that
    expect(counts).toHaveLength(51);
    expect(counts[50]).toBe(counts[0]);
    expect(Math.max(...counts)).toBe(counts[0]);
  });

  it('stops when onIteration returns false', async () => {
    const r = await train(gaussian(), toySampler('moons', 0), {
      iterations: 100,
      evalEvery: 0,
      progress: false,
      onIteration: (rec) => rec.iteration < 7,
    });
    expect(r.iteration).toBe(7);
    expect(r.history).toHaveLength(7);
    expect(r.stopped).toBe('callback');
  });

  it('prints plain progress lines with loss and NFE when the sink is not a TTY', async () => {
    const lines: string[] = [];
    await train(gaussian(), toySampler('moons', 0), {
      iterations: 20,
      evalEvery: 10,
      testSize: 100,
      progress: { write: (s: string) => lines.push(s), isTTY: false },
    });
    const text = lines.join('');
    expect(text).not.toContain('\r');
    expect(text).toMatch(/it 10\/20 \| loss \d+\.\d+ \| test \d+\.\d+ \| nfe 20\/7 \| \d+\.\d+ s\/it/);
    expect(text).toMatch(/it 20\/20/);
  });

  it('a NaN loss stops training, names the iteration, and leaves the last good checkpoint intact', async () => {
    const dir = tmp();
    const model = gaussian(2, { nanFrom: 26 });
    let at20: number[][] = [];
    const run = train(model, toySampler('8gaussians', 3), {
      iterations: 100,
      learningRate: 0.05,
      evalEvery: 0,
      checkpointDir: dir,
      checkpointEvery: 10,
      progress: false,
      onIteration: (r: IterationRecord) => {
        if (r.iteration === 20) at20 = paramValues(model);
      },
    });
    await expect(run).rejects.toThrow(TrainingDivergedError);
    const err = (await run.catch((e: unknown) => e)) as TrainingDivergedError;
    expect(err.message).toMatch(
      /diverged at iteration 26: the loss is NaN.*checkpoint whose loss was finite \(iteration 20\)/,
    );
    expect(err.iteration).toBe(26);
    expect(err.history).toHaveLength(25);
    expect(err.checkpointIteration).toBe(20);
    const ck = await loadCheckpoint(dir, TEST_TABLE);
    expect(ck.state.iteration).toBe(20);
    expect(paramValues(ck.model)).toEqual(at20);
    for (const v of paramValues(ck.model).flat()) expect(Number.isFinite(v)).toBe(true);
    tf.dispose(ck.optimizer?.map((o) => o.tensor) ?? []);
  });

  it('resumes from a checkpoint: same weights and history as an uninterrupted run (optimizer state restored)', async () => {
    const opts = { learningRate: 0.05, evalEvery: 5, testSize: 100, progress: false } as const;
    const full = gaussian(2, { mean: 1 });
    const fullRun = await train(full, toySampler('pinwheel', 4), { ...opts, iterations: 20 });

    const dir = tmp();
    await train(gaussian(2, { mean: 1 }), toySampler('pinwheel', 4), {
      ...opts,
      iterations: 10,
      checkpointDir: dir,
    });
    const ck = await loadCheckpoint(dir, TEST_TABLE);
    expect(ck.state.iteration).toBe(10);
    expect(ck.optimizer).toBeDefined();
    const resumed = await train(ck.model, toySampler('pinwheel', 4), {
      ...opts,
      iterations: 20,
      checkpointDir: dir,
      resume: ck,
    });
    tf.dispose(ck.optimizer?.map((o) => o.tensor) ?? []);
    expect(resumed.history.map((r) => r.iteration)).toEqual(fullRun.history.map((r) => r.iteration));
    expect(resumed.history.map((r) => r.loss)).toEqual(fullRun.history.map((r) => r.loss));
    const a = paramValues(ck.model).flat();
    const b = paramValues(full).flat();
    for (const [i, v] of a.entries()) expect(v).toBeCloseTo(b[i], 6);
    expect((await loadCheckpoint(dir, TEST_TABLE)).state.iteration).toBe(20);
  });
});

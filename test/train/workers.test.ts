import { describe, expect, it } from 'vitest';
import { tf } from '../../solvers/tf.js';
import { CNF, FFJORD_TOY } from '../../src/cnf/index.js';
import { toyData, toySampler } from '../../src/data/index.js';
import { TrainingDivergedError, train } from '../../src/node.js';
import { assignFlat, readFlat } from '../../src/train/flat.js';
import { shardGradient } from '../../src/train/shard-gradient.js';
import {
  combineShards,
  provideShardPool,
  type ShardPool,
  type ShardPoolFactory,
  ShardWorkerError,
  shardRows,
} from '../../src/train/shards.js';
import { createWorkerPool } from '../../src/train/worker-pool.js';
import { ConfigError } from '../../src/validate.js';

/** FFJORD's toy CNF with the given solver; rk4 with a fixed step makes shard solves identical to the batch's. */
const cnf = (solver: Record<string, unknown>, seed = 3) =>
  new CNF({
    dim: 2,
    ...FFJORD_TOY,
    hidden: [16, 16],
    divergence: 'exact',
    gradient: 'backprop',
    solver,
    seed,
  });

const maxRel = (a: Float32Array, b: Float32Array) => {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num = Math.max(num, Math.abs(a[i] - b[i]));
    den = Math.max(den, Math.abs(b[i]));
  }
  return num / den;
};

/** Records every pool the factory starts, to check each is closed and its threads gone. */
function recordingFactory(): { factory: ShardPoolFactory; pools: ShardPool[] } {
  const pools: ShardPool[] = [];
  return {
    pools,
    factory: async (config, threads, backend) => {
      const p = await createWorkerPool(config, threads, backend);
      pools.push(p);
      return p;
    },
  };
}

describe('data-parallel workers', () => {
  it('splits rows evenly and weights shard means by rows', () => {
    expect(shardRows(100, 2)).toEqual([50, 50]);
    expect(shardRows(7, 3)).toEqual([3, 2, 2]);
    const c = combineShards([
      { rows: 3, loss: 1, grads: new Float32Array([3, 0]), info: { nfe: 10 } },
      { rows: 1, loss: 5, grads: new Float32Array([-1, 4]), info: { nfe: 20 } },
    ]);
    expect(c.loss).toBeCloseTo(0.75 * 1 + 0.25 * 5, 12);
    expect(Array.from(c.grads)).toEqual([2, 1]);
    expect(c.info.nfe).toBe(15);
  });

  it('2-worker gradient of a batch equals the 1-thread gradient (fixed-step rk4: identical solves)', async () => {
    const model = cnf({ method: 'rk4', stepSize: 0.125 });
    const x = toyData('8gaussians', 64, 5);
    const before = tf.memory().numTensors;
    const whole = shardGradient(model, x);
    const pool = await createWorkerPool(model.config(), 1, tf.getBackend());
    try {
      const params = readFlat(model.params);
      const values = x.dataSync() as Float32Array;
      // unequal shards (40 + 24 rows), so a wrong weighting of the shard means shows
      const others = pool.gradients(params, [{ x: values.slice(40 * 2), rows: 24, cols: 2 }]);
      const x0 = tf.slice(x, 0, 40);
      const mine = shardGradient(model, x0);
      x0.dispose();
      const theirs = await others;
      const both = combineShards([mine, ...theirs]);
      expect(both.rows).toBe(64);
      // the worker leaks nothing from call to call
      const again = async () =>
        (await pool.gradients(params, [{ x: values.slice(40 * 2), rows: 24, cols: 2 }]))[0];
      const second = await again();
      const third = await again();
      expect(theirs[0].tensors).toBeGreaterThan(0);
      expect(second.tensors).toBe(theirs[0].tensors);
      expect(third.tensors).toBe(theirs[0].tensors);
      expect(Array.from(third.grads)).toEqual(Array.from(theirs[0].grads));
      expect(Math.abs(both.loss - whole.loss)).toBeLessThan(1e-5 * Math.abs(whole.loss));
      // float32 sums in another order: a few ulps of the largest entry
      expect(maxRel(both.grads, whole.grads)).toBeLessThan(2e-5);
      // and it is a real gradient: not zero, the half-batch gradients differ from it
      expect(maxRel(mine.grads, whole.grads)).toBeGreaterThan(1e-3);
    } finally {
      await pool.close();
    }
    expect(pool.running).toBe(0);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    model.dispose();
  });

  it('with dopri5 (each shard its own adaptive steps) agrees to the solver tolerance', async () => {
    const model = cnf({ method: 'dopri5', rtol: 1e-5, atol: 1e-5 });
    const x = toyData('8gaussians', 100, 6);
    const whole = shardGradient(model, x);
    const pool = await createWorkerPool(model.config(), 1, tf.getBackend());
    try {
      const values = x.dataSync() as Float32Array;
      const others = pool.gradients(readFlat(model.params), [{ x: values.slice(50 * 2), rows: 50, cols: 2 }]);
      const x0 = tf.slice(x, 0, 50);
      const mine = shardGradient(model, x0);
      x0.dispose();
      const both = combineShards([mine, ...(await others)]);
      expect(Math.abs(both.loss - whole.loss)).toBeLessThan(1e-4 * Math.abs(whole.loss));
      expect(maxRel(both.grads, whole.grads)).toBeLessThan(1e-3);
    } finally {
      await pool.close();
    }
    x.dispose();
    model.dispose();
  });

  it('train({ workers: 2 }) follows the 1-thread run step for step and closes its workers', async () => {
    const rec = recordingFactory();
    provideShardPool(rec.factory);
    const solver = { method: 'rk4', stepSize: 0.125 };
    const run = async (workers: number) => {
      const model = cnf(solver, 4);
      const result = await train(model, toySampler('8gaussians', 2), {
        iterations: 4,
        batchSize: 40,
        evalEvery: 0,
        progress: false,
        workers,
      });
      const p = readFlat(model.params);
      model.dispose();
      return { losses: result.history.map((r) => r.loss), p };
    };
    const before = tf.memory().numTensors;
    const one = await run(1);
    const two = await run(2);
    expect(tf.memory().numTensors).toBe(before);
    for (let i = 0; i < 4; i++) expect(two.losses[i]).toBeCloseTo(one.losses[i], 4);
    expect(maxRel(two.p, one.p)).toBeLessThan(1e-4);
    expect(rec.pools).toHaveLength(1);
    expect(rec.pools[0].running).toBe(0);
    await expect(rec.pools[0].gradients(one.p, [])).rejects.toThrow(/closed/);
  });

  it('a solver failure in the shards is divergence; the workers are shut down', async () => {
    const rec = recordingFactory();
    provideShardPool(rec.factory);
    const model = cnf({ method: 'dopri5', rtol: 1e-5, atol: 1e-5, maxSteps: 1 });
    const before = tf.memory().numTensors;
    await expect(
      train(model, toySampler('8gaussians', 2), {
        iterations: 3,
        batchSize: 20,
        evalEvery: 0,
        progress: false,
        workers: 2,
      }),
    ).rejects.toThrow(TrainingDivergedError);
    expect(tf.memory().numTensors).toBe(before);
    expect(rec.pools[0].running).toBe(0);
    model.dispose();
  });

  it('a worker that fails to start rejects the start of the pool with its reason', async () => {
    const rec = recordingFactory();
    await expect(rec.factory({ kind: 'no-such-model' }, 2, tf.getBackend())).rejects.toThrow(
      ShardWorkerError,
    );
    await expect(rec.factory({ kind: 'no-such-model' }, 1, tf.getBackend())).rejects.toThrow(/no-such-model/);
  });

  it('refuses workers out of range, naming the value', async () => {
    const model = cnf({ method: 'rk4', stepSize: 0.25 });
    const s = toySampler('8gaussians', 0);
    await expect(
      train(model, s, { iterations: 1, batchSize: 4, workers: 5, progress: false }),
    ).rejects.toThrow(ConfigError);
    await expect(train(model, s, { iterations: 1, workers: 0, progress: false })).rejects.toThrow(
      /workers = 0/,
    );
    model.dispose();
  });
});

// keeps assignFlat covered: round trip through the flat layout
describe('flat parameters', () => {
  it('assignFlat(readFlat(p)) is the identity and refuses a wrong length', () => {
    const model = cnf({ method: 'rk4', stepSize: 0.25 });
    const f = readFlat(model.params);
    const g = f.map((v) => v * 2);
    assignFlat(model.params, g);
    expect(Array.from(readFlat(model.params))).toEqual(Array.from(g));
    expect(() => assignFlat(model.params, new Float32Array(3))).toThrow(/3 values/);
    model.dispose();
  });
});

/**
 * The rows of the GPU benchmark, shared by the Node driver (bench/gpu/bench.ts: webgpu via Dawn,
 * wasm, cpu) and the browser page (bench/gpu/webgl-page.ts: webgl in Chromium). Browser-clean:
 * no `node:` imports. Every read is asynchronous.
 */

import { tf } from '../../solvers/tf.js';
import { CNF } from '../../src/cnf/cnf.js';
import { FlowMatchingModel } from '../../src/flowmatch/model.js';
import { mlpField } from '../../src/nn/mlp.js';

/** One result row. */
export interface Row {
  backend: string;
  bench: 'matmul' | 'cnf-ffjord' | 'flow-matching';
  size: number;
  /** ms per call / iteration (median of the timed repetitions). */
  ms?: number;
  gflops?: number;
  reps?: number;
  /** CNF: function evaluations of the training pass's forward solve (all blocks, the end-time gradient's included). */
  nfe?: number;
  skipped?: string;
}

/** Sizes per bench; `small` is what a software rasteriser gets through in minutes. */
export function benchSizes(small: boolean) {
  return {
    matmul: small ? [512, 1024] : [512, 1024, 2048, 4096],
    cnf: small ? [100, 1000] : [100, 1000, 10_000],
    fm: small ? [128, 1024, 8192] : [128, 1024, 8192, 65_536],
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Times `fn`: one warm-up, then up to `reps` runs while the row's budget and the deadline allow. */
async function timeIt(fn: () => Promise<void>, reps: number, rowBudgetMs: number, left: () => number) {
  const w0 = performance.now();
  await fn();
  const warm = performance.now() - w0;
  const times: number[] = [];
  while (
    times.length < reps &&
    (times.length === 0 || times.reduce((a, b) => a + b, 0) + warm < rowBudgetMs)
  ) {
    const s = performance.now();
    await fn();
    times.push(performance.now() - s);
    if (left() < 0) break;
  }
  return { ms: median(times), reps: times.length };
}

async function matmulRow(n: number, left: () => number): Promise<Partial<Row>> {
  const a = tf.randomNormal([n, n], 0, 1, 'float32', 1);
  const b = tf.randomNormal([n, n], 0, 1, 'float32', 2);
  const inner = 4;
  const r = await timeIt(
    async () => {
      const s = tf.tidy(() => {
        let c = tf.matMul(a, b);
        for (let i = 1; i < inner; i++) c = tf.matMul(a, b);
        return tf.sum(c);
      });
      await s.data();
      s.dispose();
    },
    5,
    20_000,
    left,
  );
  tf.dispose([a, b]);
  const ms = r.ms / inner;
  return { ms, reps: r.reps, gflops: (2 * n ** 3) / (ms * 1e6) };
}

/** FFJORD's 2-D setting: concatsquash 64-64-64, tanh, T = 0.5 trainable, exact divergence, dopri5 1e-5, Adam 1e-3. */
async function cnfRow(batch: number, left: () => number): Promise<Partial<Row>> {
  const cnf = new CNF({
    dim: 2,
    hidden: [64, 64, 64],
    layer: 'concatsquash',
    activation: 'tanh',
    T: 0.5,
    method: 'dopri5',
    rtol: 1e-5,
    atol: 1e-5,
    seed: 0,
  });
  const x = tf.randomNormal([batch, 2], 0, 1, 'float32', 3);
  const opt = tf.train.adam(1e-3);
  const vars = [...cnf.params];
  let nfe = 0;
  const r = await timeIt(
    async () => {
      const pass = await cnf.trainPassAsync(x);
      const cost = opt.minimize(
        () => {
          const out = pass.loss();
          nfe = out.info.nfe ?? 0;
          tf.dispose(Object.values(out.reads));
          return out.loss as tf.Scalar;
        },
        true,
        vars,
      );
      pass.dispose();
      await cost?.data();
      cost?.dispose();
    },
    3,
    30_000,
    left,
  );
  opt.dispose();
  x.dispose();
  cnf.dispose();
  return { ms: r.ms, reps: r.reps, nfe };
}

/** I-CFM with an MLP 64-64-64 (softplus), Adam 3e-3. */
async function fmRow(batch: number, left: () => number): Promise<Partial<Row>> {
  const field = mlpField({ dim: 2, hidden: [64, 64, 64], activation: 'softplus', seed: 0 });
  const model = new FlowMatchingModel(field, { objective: 'cfm', seed: 0 });
  const x = tf.randomNormal([batch, 2], 0, 1, 'float32', 4);
  const opt = tf.train.adam(3e-3);
  const vars = [...model.params];
  const r = await timeIt(
    async () => {
      const cost = opt.minimize(() => model.trainLoss(x).loss as tf.Scalar, true, vars);
      await cost?.data();
      cost?.dispose();
    },
    5,
    20_000,
    left,
  );
  opt.dispose();
  x.dispose();
  model.dispose();
  return { ms: r.ms, reps: r.reps };
}

/** A WebGPU device's error scopes (invalid work is reported only there). */
export interface ErrorScopes {
  pushErrorScope(filter: 'validation' | 'out-of-memory'): void;
  popErrorScope(): Promise<{ message: string } | null>;
}

/**
 * Runs every row on the active backend until `left()` (ms to the deadline) runs out; a size is
 * skipped after one that took over 60 s. With `device`, each row runs inside WebGPU error scopes
 * and fails if the device reports an error (a timing of invalid work would be of nothing).
 * `only`: the benches to run (default all).
 */
export async function runRows(
  backend: string,
  sizes: ReturnType<typeof benchSizes>,
  left: () => number,
  device: ErrorScopes | null,
  log: (line: string) => void,
  only?: readonly string[],
): Promise<Row[]> {
  const rows: Row[] = [];
  const plan: Array<[Row['bench'], number[], (n: number, left: () => number) => Promise<Partial<Row>>]> = [
    ['matmul', sizes.matmul, matmulRow],
    ['cnf-ffjord', sizes.cnf, cnfRow],
    ['flow-matching', sizes.fm, fmRow],
  ];
  for (const [bench, list, run] of plan) {
    if (only && !only.includes(bench)) continue;
    let slow = false;
    for (const size of list) {
      if (slow || left() < 5_000) {
        rows.push({
          backend,
          bench,
          size,
          skipped: slow ? 'the previous size took over 60 s' : 'time budget spent',
        });
        continue;
      }
      const s = performance.now();
      try {
        device?.pushErrorScope('validation');
        device?.pushErrorScope('out-of-memory');
        const r = await run(size, left);
        const errors = device ? [await device.popErrorScope(), await device.popErrorScope()] : [];
        const error = errors.find((e) => e);
        if (error) throw new Error(`WebGPU error: ${error.message.split('\n')[0]}`);
        rows.push({ backend, bench, size, ...r });
      } catch (err) {
        rows.push({ backend, bench, size, skipped: `failed: ${(err as Error).message.split('\n')[0]}` });
      }
      slow = performance.now() - s > 60_000;
      const row = rows[rows.length - 1];
      const what =
        row.skipped ??
        `${row.ms?.toFixed(2)} ms${row.gflops ? `  ${row.gflops.toFixed(2)} GFLOP/s` : ''}${row.nfe ? `  nfe ${row.nfe}` : ''}  (${row.reps} reps)`;
      log(`${backend.padEnd(7)} ${bench.padEnd(14)} ${String(size).padStart(6)}  ${what}`);
    }
  }
  return rows;
}

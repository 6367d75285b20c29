/**
 * Flow matching vs maximum likelihood on 8gaussians: wall time (training only, evaluation
 * excluded) until the held-out NLL (exact divergence, dopri5 rtol = atol = 1e-5, 2000 points)
 * reaches a target, and sampling NFE at rtol = atol = 1e-5 — for the same field
 * (concatsquash 64-64-64, tanh).
 * Run: `npx tsx bench/flow-matching.ts [--target 3.0] [--budget 300] [--every 100] [--methods ml,cfm,ot-cfm]`.
 * Writes bench/results/flow-matching-<backend>.json.
 *
 * `--peer` is the per-iteration mode with exactly the torchcfm peer's settings
 * (../shared/peers/torchcfm_8gaussians.py: an MLP on [x, t], 64-64-64, SELU, σ = 0, Adam lr 3e-3,
 * batches 128 and 1024): ms per training iteration (data draw, coupling, step), kernels, matMul
 * FLOPs and achieved GFLOP/s per iteration next to the backend's matMul peak (bench/lib/cost.ts),
 * and the held-out NLL after the run (off the clock). Run:
 * `npx tsx bench/flow-matching.ts --peer [--iters 1000] [--batches 128,1024] [--methods cfm,ot-cfm]`;
 * writes bench/results/flow-matching-peer-<backend>.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { flowMatching } from '../src/flowmatch/index.js';
import {
  CNF,
  type DensityModel,
  initBackend,
  meanNll,
  mlpField,
  solveIvp,
  tf,
  toyData,
  toySampler,
  train,
} from '../src/index.js';
import { provideShardPool } from '../src/train/shards.js';
import { createWorkerPool } from '../src/train/worker-pool.js';

import { formatCost, kernelBreakdown, matMulPeak, perUnit, startCounting } from './lib/cost.js';

provideShardPool(createWorkerPool); // --workers

const { values } = parseArgs({
  options: {
    target: { type: 'string', default: '3.0' },
    budget: { type: 'string', default: '300' },
    every: { type: 'string', default: '100' },
    methods: { type: 'string', default: 'ml,cfm,ot-cfm' },
    batch: { type: 'string', default: '256' },
    workers: { type: 'string', default: '1' },
    peer: { type: 'boolean', default: false },
    iters: { type: 'string', default: '1000' },
    batches: { type: 'string', default: '128,1024' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  console.log(`usage: npx tsx bench/flow-matching.ts [options]
  --target X     held-out NLL to reach (default 3.0)
  --budget S     training seconds per method before giving up (default 300)
  --every N      evaluate the held-out NLL every N iterations (default 100)
  --methods L    comma list of ml (FFJORD objective, rk4 training steps), cfm, ot-cfm
  --batch N      flow-matching batch size (default 256; ml uses 100)
  --workers N    data-parallel threads for every method (default 1; not in --peer mode)
  --peer         per-iteration mode with the torchcfm peer's settings (MLP on [x, t] 64³ SELU,
                 σ = 0, lr 3e-3): ms, kernels, FLOPs, GFLOP/s per iteration, NLL after --iters
  --iters N      iterations per run in --peer mode (default 1000)
  --batches L    comma list of batch sizes in --peer mode (default 128,1024)
Prints a table and writes bench/results/flow-matching-<backend>.json (…-peer-… with --peer).`);
  process.exit(0);
}

const backend = await initBackend();
if (values.peer) {
  await peerMode();
  process.exit(0);
}
const target = Number(values.target);
const budget = Number(values.budget);
const every = Number(values.every);
const test = toyData('8gaussians', 2000, 99);
const sampler = toySampler('8gaussians', 1);

interface Row {
  method: string;
  iterations: number;
  trainSeconds: number;
  nll: number;
  reached: boolean;
  samplingNfe: number;
  curve: { iteration: number; seconds: number; nll: number }[];
}

/** Trains until the target or the budget, evaluating every `every` iterations off the clock. */
async function race(
  method: string,
  run: (onIteration: (iteration: number, model: DensityModel) => boolean) => Promise<unknown>,
  samplingNfe: (model: DensityModel) => number,
): Promise<Row> {
  let evalSeconds = 0;
  const t0 = performance.now();
  const row: Row = {
    method,
    iterations: 0,
    trainSeconds: 0,
    nll: Number.NaN,
    reached: false,
    samplingNfe: 0,
    curve: [],
  };
  let last: DensityModel | undefined;
  await run((iteration, model) => {
    last = model;
    row.iterations = iteration;
    if (iteration % every !== 0) return true;
    const e0 = performance.now();
    const nll = meanNll(model, test, 2000);
    evalSeconds += (performance.now() - e0) / 1000;
    const seconds = (performance.now() - t0) / 1000 - evalSeconds;
    row.curve.push({ iteration, seconds, nll });
    row.nll = nll;
    row.trainSeconds = seconds;
    console.log(
      `${method.padEnd(7)} it ${String(iteration).padStart(5)}  ${seconds.toFixed(1).padStart(6)} s  NLL ${nll.toFixed(3)}`,
    );
    if (nll <= target) row.reached = true;
    return !row.reached && seconds < budget;
  });
  if (last) row.samplingNfe = samplingNfe(last);
  return row;
}

const z = tf.randomNormal([1000, 2], 0, 1, 'float32', 5);
const dopri = { method: 'dopri5' as const, rtol: 1e-5, atol: 1e-5 };
const rows: Row[] = [];
for (const method of values.methods.split(',')) {
  const field = mlpField({ dim: 2, hidden: [64, 64, 64], seed: 1 });
  if (method === 'ml') {
    const cnf = new CNF({
      dim: 2,
      hidden: [64, 64, 64],
      seed: 1,
      train: { method: 'rk4', stepSize: 0.0625 },
    });
    rows.push(
      await race(
        method,
        (cb) =>
          train(cnf, sampler, {
            iterations: 100_000,
            batchSize: 100,
            workers: Number(values.workers),
            learningRate: 3e-3,
            evalEvery: 0,
            progress: false,
            onIteration: (r, m) => cb(r.iteration, m),
          }),
        () => {
          const s = solveIvp(cnf.fields[0], z, [cnf.endTimes()[0], 0], dopri);
          s.ys.dispose();
          return s.stats.nfe;
        },
      ),
    );
  } else {
    rows.push(
      await race(
        method,
        (cb) =>
          flowMatching(field, sampler, {
            objective: method as 'cfm' | 'ot-cfm',
            sigma: method === 'cfm' ? 0.1 : 0,
            iterations: 100_000,
            batchSize: Number(values.batch),
            workers: Number(values.workers),
            learningRate: 3e-3,
            progress: false,
            onIteration: (r, m) => cb(r.iteration, m),
          }),
        () => {
          const s = solveIvp(field, z, [0, 1], dopri);
          s.ys.dispose();
          return s.stats.nfe;
        },
      ),
    );
  }
}

console.log(
  `\n8gaussians, target held-out NLL ${target}, backend ${backend}, ${cpus()[0]?.model} × ${cpus().length}`,
);
console.log('| method | iterations | train s | NLL | reached | sampling NFE (dopri5 1e-5) |');
console.log('|---|---|---|---|---|---|');
for (const r of rows) {
  console.log(
    `| ${r.method} | ${r.iterations} | ${r.trainSeconds.toFixed(1)} | ${r.nll.toFixed(3)} | ${r.reached ? 'yes' : 'no'} | ${r.samplingNfe} |`,
  );
}
mkdirSync('bench/results', { recursive: true });
writeFileSync(
  `bench/results/flow-matching-${backend}.json`,
  `${JSON.stringify({ backend, date: new Date().toISOString(), cpu: cpus()[0]?.model, cores: cpus().length, target, rows }, null, 2)}\n`,
);

/** The per-iteration comparison with torchcfm (see the file's comment). */
async function peerMode(): Promise<void> {
  const iters = Number(values.iters);
  const methods = values.methods === 'ml,cfm,ot-cfm' ? ['cfm', 'ot-cfm'] : values.methods.split(',');
  const peak = await matMulPeak();
  console.log(
    `matMul peak (${backend}, ${peak.n}²·${peak.n}²): ${peak.ms.toFixed(2)} ms, ${peak.gflops.toFixed(1)} GFLOP/s`,
  );
  const test = toyData('8gaussians', 2000, 99);
  const rows: Record<string, unknown>[] = [];
  for (const batch of values.batches.split(',').map(Number)) {
    for (const method of methods) {
      const objective = method as 'cfm' | 'ot-cfm';
      const field = mlpField({ dim: 2, hidden: [64, 64, 64], layer: 'mlp', activation: 'selu', seed: 1 });
      const settings = {
        objective,
        sigma: 0,
        batchSize: batch,
        learningRate: 3e-3,
        progress: false,
      } as const;
      const sampler = toySampler('8gaussians', 1);
      const { model, result } = await flowMatching(field, sampler, { ...settings, iterations: iters });
      // training time as the peer measures it: each iteration from data draw to optimizer step
      const seconds = result.history.reduce((a, r) => a + r.seconds, 0);
      const ms = (1000 * seconds) / iters;
      const nll = meanNll(model, test, 2000);
      // kernels and FLOPs of 20 more iterations (counted apart, so the hook costs nothing above)
      const stop = startCounting();
      await flowMatching(field, sampler, { ...settings, iterations: 20 });
      const cost = perUnit(stop(), 20);
      console.log(
        `${method} B=${batch}: ${formatCost(ms, cost, peak)}; held-out NLL ${nll.toFixed(3)} after ${iters} it (${seconds.toFixed(1)} s)`,
      );
      console.log(`  kernels: ${kernelBreakdown(cost, 12)}`);
      rows.push({
        method,
        batch,
        iters,
        msPerIteration: ms,
        trainSeconds: seconds,
        nll,
        kernels: cost.kernels,
        flops: cost.flops,
      });
      model.dispose();
    }
  }
  test.dispose();
  mkdirSync('bench/results', { recursive: true });
  writeFileSync(
    `bench/results/flow-matching-peer-${backend}.json`,
    `${JSON.stringify({ backend, date: new Date().toISOString(), cpu: cpus()[0]?.model, cores: cpus().length, peak, rows }, null, 2)}\n`,
  );
}

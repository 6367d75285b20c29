/**
 * FFJORD's 8gaussians benchmark (DESIGN.md §4): concatsquash 64-64-64, tanh, T = 0.5 trainable,
 * dopri5 rtol = atol = 1e-5, batch 100, Adam lr 1e-3, weight decay 1e-5. For each gradient mode
 * (backprop, adjoint), divergence (exact, Hutchinson) and number of data-parallel threads
 * (`--workers 1,2`): seconds per iteration, NFE forward / backward, held-out NLL vs iteration and
 * training seconds to reach the target NLL (3.0); and the cost of an iteration (bench/lib/cost.ts):
 * kernels per iteration and per function evaluation, matMul FLOPs per iteration and the achieved
 * GFLOP/s next to a large matMul's (one thread). Prints a table and writes
 * bench/results/cnf-<backend>.json.
 *
 *   npx tsx bench/cnf.ts [--backend wasm] [--modes backprop,adjoint] [--div exact,hutchinson]
 *                        [--workers 1,2] [--iters 1000] [--eval-every 50] [--target 3.0] ...
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { tf } from '../solvers/tf.js';
import type { MethodName } from '../solvers/types.js';
import { type BackendName, initBackend } from '../src/backend.js';
import { CNF, FFJORD_TOY } from '../src/cnf/index.js';
import { toyData, toySampler } from '../src/data/index.js';
import { shardGradient } from '../src/train/shard-gradient.js';
import { provideShardPool } from '../src/train/shards.js';
import { train } from '../src/train/train.js';
import { createWorkerPool } from '../src/train/worker-pool.js';
import { countCost, matMulPeak } from './lib/cost.js';
import { formatTable } from './table.js';

provideShardPool(createWorkerPool);

const HELP = `FFJORD 8gaussians benchmark (DESIGN.md §4) for the CNF.

usage: npx tsx bench/cnf.ts [options]
  --backend NAME     wasm | cpu | tensorflow (default wasm)
  --modes LIST       gradient modes: backprop,adjoint (default both)
  --div LIST         divergences: exact,hutchinson (default both)
  --workers LIST     data-parallel threads per run, e.g. 1,2 (default 1)
  --batch N          batch size (default 100, FFJORD's)
  --iters N          iterations per run (default 1000)
  --eval-every K     held-out NLL every K iterations (default 50)
  --test-size N      held-out points (default 2000)
  --target NLL       report training seconds to reach this held-out NLL (default 3.0)
  --stop             stop a run once the target is reached
  --lr LR            Adam learning rate (default 1e-3)
  --weight-decay WD  (default 1e-5)
  --method NAME      solver (default dopri5); --rtol, --atol (default 1e-5)
  --train-method M   training-phase solver only (held-out NLL keeps --method/--rtol/--atol),
  --train-step H     with its step for a fixed-step method, e.g. --train-method rk4 --train-step 0.0625
  --kinetic W        kinetic-energy regularizer weight (default 0)
  --jacobian W       Jacobian Frobenius regularizer weight (default 0)
  --warm-start S     on: training solves start from the previous one's step size (default);
                     off: the initial-step heuristic every solve (torchdiffeq's and FFJORD's way)
  --seed S           (default 0)
  --tag NAME         suffix of the result file (cnf-<backend>[-tag].json)
  --help             this text`;

interface Run {
  mode: string;
  divergence: string;
  workers: number;
  batch: number;
  /** Kernels of one gradient step on the whole batch (one thread), mean over the probes. */
  kernelsPerIteration: number;
  /** The same divided by that step's NFE. */
  kernelsPerNfe: number;
  /** matMul FLOPs of one gradient step on the whole batch, mean over the probes. */
  flopsPerIteration: number;
  /** flopsPerIteration / secondsPerIteration, GFLOP/s. */
  gflops: number;
  iterations: number;
  secondsPerIteration: number;
  nfeForward: number;
  nfeBackward: number;
  nll: Array<{ iteration: number; nll: number; trainSeconds: number }>;
  secondsToTarget: number | null;
  iterationsToTarget: number | null;
  finalNll: number | null;
  load: number[];
}

const { values } = parseArgs({
  options: {
    backend: { type: 'string', default: 'wasm' },
    modes: { type: 'string', default: 'backprop,adjoint' },
    div: { type: 'string', default: 'exact,hutchinson' },
    workers: { type: 'string', default: '1' },
    batch: { type: 'string', default: '100' },
    iters: { type: 'string', default: '1000' },
    'eval-every': { type: 'string', default: '50' },
    'test-size': { type: 'string', default: '2000' },
    target: { type: 'string', default: '3.0' },
    stop: { type: 'boolean', default: false },
    lr: { type: 'string', default: '1e-3' },
    'weight-decay': { type: 'string', default: '1e-5' },
    method: { type: 'string', default: 'dopri5' },
    rtol: { type: 'string', default: '1e-5' },
    atol: { type: 'string', default: '1e-5' },
    'train-method': { type: 'string' },
    'train-step': { type: 'string' },
    kinetic: { type: 'string', default: '0' },
    jacobian: { type: 'string', default: '0' },
    seed: { type: 'string', default: '0' },
    'warm-start': { type: 'string', default: 'on' },
    tag: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(HELP);
  process.exit(0);
}

const backend = await initBackend(values.backend as BackendName);
const iters = Number(values.iters);
const evalEvery = Number(values['eval-every']);
const target = Number(values.target);
const seed = Number(values.seed);
const runs: Run[] = [];
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const batch = Number(values.batch);
if (values['warm-start'] !== 'on' && values['warm-start'] !== 'off') {
  throw new Error(`--warm-start ${values['warm-start']} is invalid: expected on or off`);
}
const warmStart = values['warm-start'] === 'on';
const peak = await matMulPeak();

for (const mode of values.modes.split(',') as Array<'backprop' | 'adjoint'>) {
  for (const divergence of values.div.split(',') as Array<'exact' | 'hutchinson'>) {
    for (const workers of values.workers.split(',').map(Number)) {
      const cnf = new CNF({
        dim: 2,
        ...FFJORD_TOY,
        divergence,
        gradient: mode,
        solver: { method: values.method as MethodName, rtol: Number(values.rtol), atol: Number(values.atol) },
        ...(values['train-method'] && {
          train: {
            method: values['train-method'] as MethodName,
            ...(values['train-step'] && { stepSize: Number(values['train-step']) }),
          },
        }),
        kinetic: Number(values.kinetic),
        jacobian: Number(values.jacobian),
        warmStart,
        seed,
      });
      const testData = toyData('8gaussians', Number(values['test-size']), seed + 12345);
      let trainSeconds = 0;
      const run: Run = {
        mode,
        divergence,
        workers,
        batch,
        kernelsPerIteration: 0,
        kernelsPerNfe: 0,
        flopsPerIteration: 0,
        gflops: 0,
        iterations: 0,
        secondsPerIteration: 0,
        nfeForward: 0,
        nfeBackward: 0,
        nll: [],
        secondsToTarget: null,
        iterationsToTarget: null,
        finalNll: null,
        load: [],
      };
      const seconds: number[] = [];
      const nfeF: number[] = [];
      const nfeB: number[] = [];
      // cost probes: one extra gradient step on a fixed batch at each evaluation (outside the timed
      // training); kernels and FLOPs on this thread for the whole batch (a worker's shard dispatches
      // the same kernels on fewer rows)
      const probe = toyData('8gaussians', batch, seed + 777);
      const probes: Array<{ kernels: number; flops: number; nfe: number }> = [];
      const costProbe = () => {
        let nfe = 0;
        const c = countCost(() => {
          nfe = Number(shardGradient(cnf, probe).info.nfe ?? 0);
        });
        probes.push({ kernels: c.kernels, flops: c.flops, nfe });
      };
      await train(cnf, toySampler('8gaussians', seed), {
        iterations: iters,
        batchSize: batch,
        workers,
        learningRate: Number(values.lr),
        weightDecay: Number(values['weight-decay']),
        evalEvery,
        testData,
        progress: false,
        onIteration: (r) => {
          trainSeconds += r.seconds;
          seconds.push(r.seconds);
          nfeF.push(Number(r.info.nfe ?? 0));
          nfeB.push(Number(r.info.nfeBackward ?? 0));
          run.iterations = r.iteration;
          if (r.testNll !== undefined) {
            costProbe();
            run.nll.push({ iteration: r.iteration, nll: r.testNll, trainSeconds });
            run.load.push(loadavg()[0]);
            console.error(
              `${backend} ${mode}/${divergence}/${workers}w it ${r.iteration}: NLL ${r.testNll.toFixed(3)}, ` +
                `${r.seconds.toFixed(3)} s/it, NFE ${r.info.nfe}/${r.info.nfeBackward ?? '-'}, ` +
                `train ${trainSeconds.toFixed(1)} s, load ${loadavg()[0].toFixed(2)}`,
            );
            if (run.secondsToTarget === null && r.testNll <= target) {
              run.secondsToTarget = trainSeconds;
              run.iterationsToTarget = r.iteration;
              if (values.stop) return false;
            }
          }
          return true;
        },
      });
      run.secondsPerIteration = mean(seconds);
      run.nfeForward = mean(nfeF);
      // backprop differentiates the recorded forward solve: no separate backward solve
      run.nfeBackward = mean(nfeB);
      run.finalNll = run.nll.at(-1)?.nll ?? null;
      if (probes.length === 0) costProbe();
      run.kernelsPerIteration = mean(probes.map((p) => p.kernels));
      run.kernelsPerNfe = mean(probes.map((p) => p.kernels / Math.max(1, p.nfe)));
      run.flopsPerIteration = mean(probes.map((p) => p.flops));
      run.gflops = run.flopsPerIteration / (run.secondsPerIteration * 1e9);
      runs.push(run);
      probe.dispose();
      testData.dispose();
      cnf.dispose();
    }
  }
}

console.log(
  `\nCNF 8gaussians on ${backend} (concatsquash 64-64-64 tanh, ${values.method} rtol ${values.rtol}, ` +
    `kinetic ${values.kinetic}, lr ${values.lr}, batch ${batch}, warm start ${values['warm-start']}); FFJORD reference: NLL 3.0 after ~1000 it, ~200 s; ` +
    `matMul peak ${peak.gflops.toFixed(1)} GFLOP/s (one thread, n = ${peak.n})`,
);
console.log(
  formatTable(
    [
      'mode',
      'div',
      'workers',
      'iters',
      's/it',
      'NFE f/b',
      'kernels/it',
      'kernels/NFE',
      'MFLOP/it',
      'GFLOP/s (% peak)',
      'final NLL',
      `s to ${target}`,
      'it to',
      'load',
    ],
    runs.map((r) => [
      r.mode,
      r.divergence,
      String(r.workers),
      String(r.iterations),
      r.secondsPerIteration.toFixed(3),
      `${r.nfeForward.toFixed(0)}/${r.nfeBackward.toFixed(0)}`,
      r.kernelsPerIteration.toFixed(0),
      r.kernelsPerNfe.toFixed(0),
      (r.flopsPerIteration / 1e6).toFixed(0),
      `${r.gflops.toFixed(2)} (${((100 * r.gflops) / peak.gflops).toFixed(1)}%)`,
      r.finalNll?.toFixed(3) ?? '-',
      r.secondsToTarget?.toFixed(1) ?? '-',
      String(r.iterationsToTarget ?? '-'),
      mean(r.load).toFixed(2),
    ]),
    ['mode', 'div'],
  ),
);
for (const r of runs) {
  console.log(
    `${r.mode}/${r.divergence}/${r.workers}w NLL vs iteration: ${r.nll.map((p) => `${p.iteration}:${p.nll.toFixed(2)}`).join(' ')}`,
  );
}

const here = dirname(fileURLToPath(import.meta.url));
const file = join(here, 'results', `cnf-${backend}${values.tag ? `-${values.tag}` : ''}.json`);
mkdirSync(dirname(file), { recursive: true });
writeFileSync(
  file,
  `${JSON.stringify({ backend, settings: values, peak, date: new Date().toISOString(), tensors: tf.memory().numTensors, runs }, null, 2)}\n`,
);
console.log(`\nwrote ${file}`);

/**
 * Data-parallel workers (train's `workers` option): seconds per training iteration with 1 and 2
 * threads, for the CNF in FFJORD's setting (concatsquash 64-64-64 tanh, dopri5 rtol = atol = 1e-5,
 * exact divergence, backprop, lr 1e-3) at batch 100 and 1000, and for flow matching (OT-CFM and
 * I-CFM, MLP 64³ concatsquash, lr 3e-3) at batch 128 and 1024. The first `--skip` iterations
 * (worker start-up, warm-up) are left out of the mean; the workers' start-up is reported apart.
 * The load average is printed with every row: on a machine busy with other work, a second thread
 * competes for the same cores and the ratio says little. Writes bench/results/workers-<backend>.json.
 *
 *   npx tsx bench/workers.ts [--iters 40] [--skip 5] [--workers 1,2] [--cases cnf-100,cnf-1000,ot-cfm-128,ot-cfm-512,cfm-128,cfm-1024]
 *
 * (exact OT is limited to batches of 512 here; a failing case is reported and skipped)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { initBackend } from '../src/backend.js';
import { CNF, FFJORD_TOY } from '../src/cnf/index.js';
import { toySampler } from '../src/data/index.js';
import { flowMatching } from '../src/flowmatch/index.js';
import { mlpField } from '../src/nn/index.js';
import { provideShardPool } from '../src/train/shards.js';
import { type TrainOptions, train } from '../src/train/train.js';
import { createWorkerPool } from '../src/train/worker-pool.js';
import { formatTable } from './table.js';

provideShardPool(createWorkerPool);

const { values } = parseArgs({
  options: {
    iters: { type: 'string', default: '40' },
    skip: { type: 'string', default: '5' },
    workers: { type: 'string', default: '1,2' },
    cases: { type: 'string', default: 'cnf-100,cnf-1000,ot-cfm-128,ot-cfm-512,cfm-128,cfm-1024' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  console.log('usage: npx tsx bench/workers.ts [--iters 40] [--skip 5] [--workers 1,2] [--cases LIST]');
  process.exit(0);
}

const backend = await initBackend('wasm');
const iters = Number(values.iters);
const skip = Number(values.skip);

interface Row {
  case: string;
  batch: number;
  workers: number;
  secondsPerIteration: number;
  startSeconds: number;
  load: number;
}
const rows: Row[] = [];

for (const c of values.cases.split(',')) {
  const m = /^(cnf|ot-cfm|cfm)-(\d+)$/.exec(c);
  if (!m) throw new Error(`--cases: '${c}' is not cnf-B, ot-cfm-B or cfm-B`);
  const [, kind, b] = m;
  const batch = Number(b);
  for (const workers of values.workers.split(',').map(Number)) {
    const seconds: number[] = [];
    const t0 = performance.now();
    let firstAt = 0;
    const options: TrainOptions = {
      iterations: iters,
      batchSize: batch,
      workers,
      evalEvery: 0,
      progress: false,
      onIteration: (r) => {
        if (r.iteration === 1) firstAt = (performance.now() - t0) / 1000 - r.seconds;
        seconds.push(r.seconds);
      },
    };
    const sampler = toySampler('8gaussians', 0);
    try {
      if (kind === 'cnf') {
        const model = new CNF({ dim: 2, ...FFJORD_TOY, divergence: 'exact', gradient: 'backprop', seed: 0 });
        await train(model, sampler, { ...options, learningRate: 1e-3, weightDecay: 1e-5 });
        model.dispose();
      } else {
        const field = mlpField({ dim: 2, hidden: [64, 64, 64], seed: 1 });
        const { model } = await flowMatching(field, sampler, {
          ...options,
          objective: kind as 'cfm' | 'ot-cfm',
          sigma: kind === 'cfm' ? 0.1 : 0,
          learningRate: 3e-3,
        });
        model.dispose();
      }
    } catch (err) {
      console.error(`${kind} batch ${batch} workers ${workers}: ${(err as Error).message}`);
      continue;
    }
    const timed = seconds.slice(skip);
    const row: Row = {
      case: kind,
      batch,
      workers,
      secondsPerIteration: timed.reduce((a, v) => a + v, 0) / Math.max(1, timed.length),
      startSeconds: firstAt,
      load: loadavg()[0],
    };
    rows.push(row);
    console.error(
      `${kind} batch ${batch} workers ${workers}: ${(1000 * row.secondsPerIteration).toFixed(1)} ms/it, start ${row.startSeconds.toFixed(2)} s, load ${row.load.toFixed(2)}`,
    );
  }
}

const base = (r: Row) => rows.find((q) => q.case === r.case && q.batch === r.batch && q.workers === 1);
console.log(
  `\ndata-parallel workers on ${backend}, ${cpus()[0]?.model} × ${cpus().length}, ${iters} iterations (first ${skip} not timed)`,
);
console.log(
  formatTable(
    ['case', 'batch', 'workers', 'ms/it', 'speed-up', 'start s', 'load'],
    rows.map((r) => {
      const b = base(r);
      return [
        r.case,
        String(r.batch),
        String(r.workers),
        (1000 * r.secondsPerIteration).toFixed(1),
        b ? `${(b.secondsPerIteration / r.secondsPerIteration).toFixed(2)}×` : '-',
        r.startSeconds.toFixed(2),
        r.load.toFixed(2),
      ];
    }),
    ['case'],
  ),
);
const here = dirname(fileURLToPath(import.meta.url));
const file = join(here, 'results', `workers-${backend}.json`);
mkdirSync(dirname(file), { recursive: true });
writeFileSync(
  file,
  `${JSON.stringify({ backend, settings: values, date: new Date().toISOString(), rows }, null, 2)}\n`,
);
console.log(`\nwrote ${file}`);

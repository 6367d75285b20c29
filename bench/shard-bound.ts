/**
 * Upper bound of the data-parallel speed-up, measurable on a busy machine: the time of one
 * gradient step on the whole batch over that of a half batch, on this thread, alternated so both
 * see the same load. Two threads on two free cores cannot beat this ratio (each computes a half;
 * the messages and the combine cost extra), and the per-kernel dispatch cost, which does not
 * shrink with the batch, is what keeps it below 2. CNF in FFJORD's setting (each half solves its
 * own adaptive ODE, as a worker does) and I-CFM's MLP step. Best of `--reps` timings each (the least
 * disturbed by other work on the machine).
 *
 *   npx tsx bench/shard-bound.ts [--reps 12] [--cases cnf-100,cnf-1000,cfm-128,cfm-1024]
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { tf } from '../solvers/tf.js';
import { initBackend } from '../src/backend.js';
import { CNF, FFJORD_TOY } from '../src/cnf/index.js';
import { toyData } from '../src/data/index.js';
import { FlowMatchingModel } from '../src/flowmatch/index.js';
import type { DensityModel } from '../src/model.js';
import { mlpField } from '../src/nn/index.js';
import { shardGradient } from '../src/train/shard-gradient.js';
import { formatTable } from './table.js';

const { values } = parseArgs({
  options: {
    reps: { type: 'string', default: '12' },
    cases: { type: 'string', default: 'cnf-100,cnf-1000,cfm-128,cfm-1024' },
  },
});
await initBackend('wasm');
const reps = Number(values.reps);
const best = (xs: number[]) => Math.min(...xs);
const rows: string[][] = [];
for (const c of values.cases.split(',')) {
  const [, kind, b] = /^(cnf|cfm)-(\d+)$/.exec(c) ?? [];
  if (!kind) throw new Error(`--cases: '${c}' is not cnf-B or cfm-B`);
  const batch = Number(b);
  const model: DensityModel =
    kind === 'cnf'
      ? new CNF({ dim: 2, ...FFJORD_TOY, divergence: 'exact', gradient: 'backprop', seed: 0 })
      : new FlowMatchingModel(mlpField({ dim: 2, hidden: [64, 64, 64], seed: 1 }), {
          objective: 'cfm',
          sigma: 0.1,
        });
  const whole = toyData('8gaussians', batch, 3);
  const half = tf.slice(whole, 0, batch / 2);
  const time = (x: tf.Tensor) => {
    const t0 = performance.now();
    shardGradient(model, x);
    return performance.now() - t0;
  };
  time(whole);
  time(half);
  const tw: number[] = [];
  const th: number[] = [];
  for (let r = 0; r < reps; r++) {
    tw.push(time(whole));
    th.push(time(half));
  }
  rows.push([
    kind,
    String(batch),
    best(tw).toFixed(1),
    best(th).toFixed(1),
    `${(best(tw) / best(th)).toFixed(2)}×`,
    loadavg()[0].toFixed(1),
  ]);
  tf.dispose([whole, half]);
  (model as { dispose?: () => void }).dispose?.();
}
console.log(
  formatTable(
    ['case', 'batch', 'best ms whole', 'best ms half', 'bound on 2-thread speed-up', 'load'],
    rows,
    ['case'],
  ),
);

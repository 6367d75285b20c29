/**
 * The async solves against the sync ones (same steps, same numbers): wall time of solveIvp vs
 * solveIvpAsync, of backprop through solveIvp vs solveIvpAsync + replayIvp under the tape, of
 * odeintAdjoint's backward pass vs adjointGradAsync, and for a CNF in FFJORD's setting (batch 100,
 * concatsquash 64-64-64 tanh, dopri5 1e-5, trainable T): logProb vs logProbAsync and one
 * training step's gradient by trainLoss (train's reads 'sync') vs trainPassAsync + its replay
 * (reads 'async'), and the same with gradient 'adjoint' (trainLoss under the tape vs
 * CNF.lossAndGradientsAsync). Rows alternate sync/async per repetition and report medians, so machine load
 * hits both alike; the load average is printed and stored.
 *
 *   npx tsx bench/async.ts [--backend wasm|cpu] [--reps N]
 *
 * Each sample is the mean of 5 calls in a row. Prints a table and writes JSON to bench/results/async-<backend>.json.
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import {
  adjointGradAsync,
  type BackendName,
  CNF,
  initBackend,
  odeintAdjoint,
  odeintAsync,
  replayIvp,
  solveIvp,
  solveIvpAsync,
  tf,
} from '../src/index.js';
import { mlpModule, seededTensor } from '../test/gradients/helpers.js';
import { linspace, vanDerPol } from '../test/solvers/problems.js';

const argv = process.argv.slice(2);
const backend = (argv.includes('--backend') ? argv[argv.indexOf('--backend') + 1] : 'wasm') as BackendName;
const reps = argv.includes('--reps') ? Number(argv[argv.indexOf('--reps') + 1]) : 9;
await initBackend(backend);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** ms per call, over `inner` calls in a row (small rows are too short to time one by one). */
async function time(fn: () => unknown, inner = 5): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < inner; i++) await fn();
  return (performance.now() - t0) / inner;
}

/** Runs sync and async alternately (one warm-up each) and returns their median ms. */
async function pair(sync: () => unknown, async_: () => Promise<unknown>, inner = 5) {
  await time(sync, inner);
  await time(async_, inner);
  const s: number[] = [];
  const a: number[] = [];
  for (let i = 0; i < reps; i++) {
    s.push(await time(sync, inner));
    a.push(await time(async_, inner));
  }
  return { syncMs: median(s), asyncMs: median(a) };
}

const f = mlpModule(2, 64, 1);
const vars = f.params as tf.Variable[];
const x = seededTensor([100, 2], 2, 1.5);
const vdp0 = tf.tile(tf.tensor2d([[2, 0]]), [100, 1]);
const opts = { rtol: 1e-5, atol: 1e-5 };
const ts = [0, 1];
const loss = (ys: tf.Tensor) => tf.sum(tf.square(ys)) as tf.Scalar;
const grads = (fn: () => tf.Scalar) => {
  const { value, grads: g } = tf.variableGrads(fn, vars);
  tf.dispose([value, ...Object.values(g)]);
};

const rows: Array<{ row: string; syncMs: number; asyncMs: number }> = [];
const add = async (row: string, sync: () => unknown, async_: () => Promise<unknown>, inner = 5) => {
  rows.push({ row, ...(await pair(sync, async_, inner)) });
  const r = rows[rows.length - 1];
  console.log(`${row.padEnd(58)} ${r.syncMs.toFixed(1).padStart(8)} ${r.asyncMs.toFixed(1).padStart(8)}`);
};

console.log(`backend ${backend}, ${reps} reps, median ms`);
console.log(`${'row'.padEnd(58)} ${'sync'.padStart(8)} ${'async'.padStart(8)}`);
await add(
  'van der Pol [100, 2], dopri5 1e-5, t 0..5 (11 outputs)',
  () => tf.dispose(solveIvp(vanDerPol.f, vdp0, linspace(0, 5, 11), opts).ys),
  async () => tf.dispose((await solveIvpAsync(vanDerPol.f, vdp0, linspace(0, 5, 11), opts)).ys),
);
await add(
  'MLP 2-64-2 field [100, 2], dopri5 1e-5: solve',
  () => tf.dispose(solveIvp(f, x, ts, opts).ys),
  async () => tf.dispose(await odeintAsync(f, x, ts, opts)),
);
await add(
  'same: gradient (backprop | async plan + replay)',
  () => grads(() => loss(solveIvp(f, x, ts, opts).ys)),
  async () => {
    const { ys, plan } = await solveIvpAsync(f, x, ts, opts);
    ys.dispose();
    grads(() => loss(replayIvp(f, x, plan).ys));
  },
);
await add(
  'same: adjoint gradient (odeintAdjoint | adjointGradAsync)',
  () => grads(() => loss(odeintAdjoint(f, x, ts, opts))),
  async () => {
    const ys = await odeintAsync(f, x, ts, opts);
    const dLdys = tf.mul(ys, 2);
    const g = await adjointGradAsync(f, ts, ys, dLdys, opts);
    tf.dispose([ys, dLdys, g.dy0, ...g.dParams]);
  },
);
const cnf = new CNF({
  dim: 2,
  hidden: [64, 64, 64],
  layer: 'concatsquash',
  activation: 'tanh',
  T: 0.5,
  solver: { method: 'dopri5', rtol: 1e-5, atol: 1e-5 },
  seed: 0,
});
const cnfVars = cnf.params as tf.Variable[];
const batch = tf.tidy(() => tf.mul(tf.randomNormal([100, 2], 0, 1, 'float32', 3), 2));
await add(
  'CNF (FFJORD setting) [100, 2]: logProb | logProbAsync',
  () => tf.dispose(cnf.logProb(batch)),
  async () => tf.dispose(await cnf.logProbAsync(batch)),
  1,
);
await add(
  "same: training gradient, train's reads 'sync' | 'async'",
  () => {
    const { value, grads: g } = tf.variableGrads(() => cnf.trainLoss(batch).loss as tf.Scalar, cnfVars);
    tf.dispose([value, ...Object.values(g)]);
  },
  async () => {
    const pass = await cnf.trainPassAsync(batch);
    const { value, grads: g } = tf.variableGrads(() => pass.loss().loss as tf.Scalar, cnfVars);
    pass.dispose();
    tf.dispose([value, ...Object.values(g)]);
  },
  1,
);
const adjointCnf = new CNF({ ...cnf.config(), gradient: 'adjoint' });
const adjointVars = adjointCnf.params as tf.Variable[];
await add(
  "same, gradient 'adjoint': reads 'sync' | 'async' (lossAndGradientsAsync)",
  () => {
    const { value, grads: g } = tf.variableGrads(
      () => adjointCnf.trainLoss(batch).loss as tf.Scalar,
      adjointVars,
    );
    tf.dispose([value, ...Object.values(g)]);
  },
  async () => {
    const r = await adjointCnf.lossAndGradientsAsync(batch);
    if (r) tf.dispose([r.loss, ...r.grads]);
  },
  1,
);
const load = loadavg().map((l) => Number(l.toFixed(2)));
console.log(`load average (1, 5, 15 min) at the end: ${load.join(', ')} on ${cpus().length} cores`);
const out = `bench/results/async-${backend}.json`;
writeFileSync(
  out,
  `${JSON.stringify({ backend, reps, date: new Date().toISOString(), loadAverage: load, rows }, null, 2)}\n`,
);
console.log(`wrote ${out}`);

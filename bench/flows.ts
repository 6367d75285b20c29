/**
 * Discrete-flow benchmark: seconds per training iteration and held-out NLL after a fixed
 * wall-time budget, for RealNVP, Glow, MAF, the neural spline flows (coupling `nsf`, autoregressive
 * `nsf-ar`) and the CNF on 8gaussians, 2spirals and checkerboard, and for the multi-scale RealNVP, Glow
 * and spline-coupling NSF on the 8×8 digits (held-out bits/dim on the 297-image split of seed 0; batch 64,
 * lr 2e-3, as in test/flows/train.test.ts; MAF and nsf-ar have no image variant and are skipped there).
 * Run: `npx tsx bench/flows.ts [--budget 20] [--batch 256] [--lr 5e-3] [--backend wasm]
 *       [--models realnvp,glow,maf] [--data 8gaussians,2spirals,digits]`.
 * Writes bench/results/flows-<backend>.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { CNF, FFJORD_TOY } from '../src/cnf/index.js';
import { digitsData } from '../src/data/digits.js';
import { toyData, toySampler } from '../src/data/index.js';
import { ffjordMultiscale, glow, maf, nsf, realNVP } from '../src/flows/index.js';
import { type BackendName, initBackend, tf } from '../src/index.js';
import type { DensityModel } from '../src/model.js';
import { toyFlows } from './lib/toy-flows.js';

const { values } = parseArgs({
  options: {
    budget: { type: 'string', default: '20' },
    batch: { type: 'string', default: '256' },
    lr: { type: 'string', default: '5e-3' },
    backend: { type: 'string' },
    models: { type: 'string', default: 'realnvp,glow,maf,nsf,nsf-ar,cnf' },
    data: { type: 'string', default: '8gaussians,2spirals,checkerboard,digits' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help) {
  console.log(`usage: npx tsx bench/flows.ts [options]
  --budget S     wall-time budget per (model, data) run in seconds (default 20)
  --batch N      batch size of the toy runs (default 256; digits: 64)
  --lr X         Adam learning rate of the toy runs (default 5e-3; digits: 2e-3)
  --backend B    tfjs backend (default: as initBackend chooses)
  --models L     comma list of realnvp, glow, maf, nsf, nsf-ar, cnf (default all; cnf on digits is FFJORD's multiscale CNF)
  --data L       comma list of toy data sets and/or digits (default 8gaussians,2spirals,checkerboard,digits)
Prints a table and writes bench/results/flows-<backend>.json.`);
  process.exit(0);
}

const MODELS: Record<string, () => DensityModel> = {
  // FFJORD's setting, trained with fixed rk4 steps (bench/cnf.ts: the fastest CNF recipe)
  cnf: () => new CNF({ dim: 2, ...FFJORD_TOY, train: { method: 'rk4', stepSize: 0.0625 } }),
  ...toyFlows<DensityModel>({ realNVP, glow, maf, nsf }),
};

/** The multi-scale image models of the digits rows (the test's settings). */
const IMAGE_MODELS: Record<string, () => DensityModel> = {
  realnvp: () => realNVP({ imageShape: [8, 8, 1], layers: 2, hidden: [64], seed: 0 }),
  glow: () => glow({ imageShape: [8, 8, 1], steps: 2, hidden: [64], seed: 0 }),
  // FFJORD's multiscale CNF (CNF blocks / squeeze / split), Hutchinson training with rk4 steps;
  // held-out bits/dim with the exact divergence on the same rk4 grid
  cnf: () =>
    ffjordMultiscale({
      imageShape: [8, 8, 1],
      hidden: [64],
      seed: 0,
      train: { method: 'rk4', stepSize: 0.125 },
      eval: { method: 'rk4', stepSize: 0.125 },
    }),
  nsf: () => nsf({ imageShape: [8, 8, 1], layers: 2, hidden: [64], bins: 8, tailBound: 5, seed: 0 }),
};
const DIGITS_BATCH = 64;
const DIGITS_LR = 2e-3;

/** Held-out data and a batch source for one data set. */
function dataFor(data: string): {
  test: tf.Tensor;
  batch: (n: number, i: number) => tf.Tensor;
  dispose: () => void;
} {
  if (data !== 'digits') {
    const sampler = toySampler(data, 1);
    const test = toyData(data, 5000, 12345);
    return { test, batch: (n, i) => sampler(n, i), dispose: () => test.dispose() };
  }
  const { train, test } = digitsData({ test: 297, seed: 0 });
  const nTrain = train.shape[0];
  return {
    test,
    dispose: () => tf.dispose([train, test]),
    batch: (n, i) =>
      tf.tidy(() =>
        tf.gather(
          train,
          tf.tensor1d(
            Array.from({ length: n }, (_, k) => (i * n + k) % nTrain),
            'int32',
          ),
        ),
      ),
  };
}

const backend = await initBackend(values.backend as BackendName | undefined);
const budget = Number(values.budget);
const batch = Number(values.batch);
const lr = Number(values.lr);
interface Row {
  model: string;
  data: string;
  iterations: number;
  secondsPerIteration: number;
  testNll: number;
  /** Held-out bits/dim (digits rows only). */
  bitsPerDim?: number;
  budgetSeconds: number;
}
const rows: Row[] = [];
for (const data of values.data.split(',')) {
  const image = data === 'digits';
  const { test, batch: draw, dispose } = dataFor(data);
  for (const name of values.models.split(',')) {
    if (!MODELS[name])
      throw new Error(`unknown model '${name}'; expected one of ${Object.keys(MODELS).join(', ')}`);
    const make = image ? IMAGE_MODELS[name] : MODELS[name];
    if (!make) continue; // no image variant (maf, nsf-ar)
    const m = make();
    const opt = tf.train.adam(image ? DIGITS_LR : lr);
    const t0 = performance.now();
    let it = 0;
    while ((performance.now() - t0) / 1000 < budget) {
      const x = draw(image ? DIGITS_BATCH : batch, ++it);
      opt.minimize(() => m.trainLoss(x).loss as tf.Scalar, false, m.params as tf.Variable[]);
      x.dispose();
    }
    const secs = (performance.now() - t0) / 1000;
    const nllT = tf.tidy(() => tf.neg(tf.mean(m.logProb(test))));
    const testNll = nllT.dataSync()[0];
    nllT.dispose();
    const bitsPerDim = image ? testNll / (m.dim * Math.LN2) : undefined;
    opt.dispose();
    for (const v of m.params) v.dispose();
    rows.push({
      model: name,
      data,
      iterations: it,
      secondsPerIteration: secs / it,
      testNll,
      ...(bitsPerDim === undefined ? {} : { bitsPerDim }),
      budgetSeconds: budget,
    });
  }
  dispose();
}

const load = loadavg().map((x) => Number(x.toFixed(2)));
console.log(
  `\nload average (1, 5, 15 min) at the end: ${load.join(', ')}; backend ${backend}, batch ${batch}, Adam lr ${lr}, budget ${budget} s per run, test NLL on 5000 held-out points` +
    `; digits: batch ${DIGITS_BATCH}, lr ${DIGITS_LR}, 297 held-out images, NLL in nats per image`,
);
console.log('| model | data | iterations | s / iteration | test NLL (nats) | bits/dim |');
console.log('|---|---|---|---|---|---|');
for (const r of rows) {
  console.log(
    `| ${r.model} | ${r.data} | ${r.iterations} | ${r.secondsPerIteration.toFixed(4)} | ${r.testNll.toFixed(3)} | ` +
      `${r.bitsPerDim === undefined ? '' : r.bitsPerDim.toFixed(3)} |`,
  );
}
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
const file = new URL(`./results/flows-${backend}.json`, import.meta.url);
writeFileSync(
  file,
  `${JSON.stringify({ backend, batch, lr, budgetSeconds: budget, date: new Date().toISOString(), load, rows }, null, 2)}\n`,
);
console.log(`wrote ${file.pathname}`);

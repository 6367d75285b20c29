/**
 * Discrete-flow benchmark: seconds per training iteration and held-out NLL after a fixed
 * wall-time budget, for RealNVP, Glow and MAF on 8gaussians and 2spirals.
 * Run: `npx tsx bench/flows.ts [--budget 20] [--batch 256] [--lr 5e-3] [--backend wasm]
 *       [--models realnvp,glow,maf] [--data 8gaussians,2spirals]`. Writes bench/results/flows-<backend>.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { toyData, toySampler } from '../src/data/index.js';
import { type FlowModel, glow, maf, realNVP } from '../src/flows/index.js';
import { type BackendName, initBackend, tf } from '../src/index.js';

const { values } = parseArgs({
  options: {
    budget: { type: 'string', default: '20' },
    batch: { type: 'string', default: '256' },
    lr: { type: 'string', default: '5e-3' },
    backend: { type: 'string' },
    models: { type: 'string', default: 'realnvp,glow,maf' },
    data: { type: 'string', default: '8gaussians,2spirals' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help) {
  console.log(`usage: npx tsx bench/flows.ts [options]
  --budget S     wall-time budget per (model, data) run in seconds (default 20)
  --batch N      batch size (default 256)
  --lr X         Adam learning rate (default 5e-3)
  --backend B    tfjs backend (default: as initBackend chooses)
  --models L     comma list of realnvp, glow, maf (default all)
  --data L       comma list of toy data sets (default 8gaussians,2spirals)
Prints a table and writes bench/results/flows-<backend>.json.`);
  process.exit(0);
}

const MODELS: Record<string, () => FlowModel> = {
  realnvp: () => realNVP({ layers: 6, hidden: [48, 48], seed: 0 }),
  glow: () => glow({ steps: 4, hidden: [48, 48], seed: 0 }),
  maf: () => maf({ layers: 5, hidden: [48, 48], seed: 0 }),
};

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
  budgetSeconds: number;
}
const rows: Row[] = [];
for (const data of values.data.split(',')) {
  const test = toyData(data, 5000, 12345);
  for (const name of values.models.split(',')) {
    const make = MODELS[name];
    if (!make) throw new Error(`unknown model '${name}'; expected one of ${Object.keys(MODELS).join(', ')}`);
    const m = make();
    const opt = tf.train.adam(lr);
    const sampler = toySampler(data, 1);
    const t0 = performance.now();
    let it = 0;
    while ((performance.now() - t0) / 1000 < budget) {
      const x = sampler(batch, ++it);
      opt.minimize(() => m.trainLoss(x).loss as tf.Scalar, false, m.params as tf.Variable[]);
      x.dispose();
    }
    const secs = (performance.now() - t0) / 1000;
    const nllT = tf.tidy(() => tf.neg(tf.mean(m.logProb(test))));
    const testNll = nllT.dataSync()[0];
    nllT.dispose();
    opt.dispose();
    for (const v of m.params) v.dispose();
    rows.push({
      model: name,
      data,
      iterations: it,
      secondsPerIteration: secs / it,
      testNll,
      budgetSeconds: budget,
    });
  }
  test.dispose();
}

console.log(
  `\nbackend ${backend}, batch ${batch}, Adam lr ${lr}, budget ${budget} s per run, test NLL on 5000 held-out points`,
);
console.log('| model | data | iterations | s / iteration | test NLL (nats) |');
console.log('|---|---|---|---|---|');
for (const r of rows) {
  console.log(
    `| ${r.model} | ${r.data} | ${r.iterations} | ${r.secondsPerIteration.toFixed(4)} | ${r.testNll.toFixed(3)} |`,
  );
}
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
const file = new URL(`./results/flows-${backend}.json`, import.meta.url);
writeFileSync(
  file,
  `${JSON.stringify({ backend, batch, lr, budgetSeconds: budget, date: new Date().toISOString(), rows }, null, 2)}\n`,
);
console.log(`wrote ${file.pathname}`);

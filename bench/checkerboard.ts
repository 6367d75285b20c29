/**
 * Settings for notebook 03's flow-matched checkerboard: trains an `mlpField` by flow matching in
 * stages of falling learning rate (each stage one `flowMatching` call on the same field, as the
 * notebook does) and prints the CPU milliseconds per iteration, the exact held-out NLL (1000
 * points, dopri5 rtol = atol = 1e-5) against log 32, and the wall times of training and scoring.
 * `--html FILE` also writes the density heatmap and samples vs data. CPU time is this process's
 * (wasm runs on one thread), so it is less disturbed by other load than wall time.
 * Run: `npx tsx bench/checkerboard.ts [--hidden 128,128,128] [--activation swish] [--batch 128]
 * [--iters 6000,4000] [--lrs 5e-3,1e-3] [--objective ot-cfm] [--data checkerboard] [--html out.html]`.
 */
import { parseArgs } from 'node:util';
import {
  type ActivationName,
  densityHeatmap,
  evaluate,
  type FlowMatchingModel,
  type FlowMatchingObjective,
  flowMatching,
  initBackend,
  mlpField,
  samplesVsData,
  toyData,
  toyEntropy,
  toySampler,
} from '../src/index.js';
import { writeHtml } from '../src/plot/html.js';

const { values } = parseArgs({
  options: {
    hidden: { type: 'string', default: '128,128,128' },
    activation: { type: 'string', default: 'swish' },
    batch: { type: 'string', default: '128' },
    iters: { type: 'string', default: '6000,4000' },
    lrs: { type: 'string', default: '5e-3,1e-3' },
    objective: { type: 'string', default: 'ot-cfm' },
    data: { type: 'string', default: 'checkerboard' },
    html: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  console.log(`usage: npx tsx bench/checkerboard.ts [options]
  --hidden W,W,..   hidden widths of the field (default 128,128,128)
  --activation A    tanh, softplus, swish, sigmoid or elu (default swish)
  --batch B         batch size (default 128; exact OT costs O(B^3))
  --iters N,N,..    iterations per stage (default 6000,4000)
  --lrs L,L,..      learning rate per stage, same count as --iters (default 5e-3,1e-3)
  --objective O     cfm, ot-cfm or rectified (default ot-cfm)
  --data NAME       toy data set (default checkerboard)
  --html FILE       also write the density heatmap and samples vs data`);
  process.exit(0);
}

const backend = await initBackend();
const hidden = (values.hidden ?? '').split(',').map(Number);
const iters = (values.iters ?? '').split(',').map(Number);
const lrs = (values.lrs ?? '').split(',').map(Number);
if (iters.length !== lrs.length) throw new Error(`--iters has ${iters.length} stages, --lrs ${lrs.length}`);
const data = values.data ?? 'checkerboard';
const field = mlpField({
  dim: 2,
  hidden,
  activation: values.activation as ActivationName,
  seed: 0,
});
const cpu0 = process.cpuUsage();
const t0 = performance.now();
let model: FlowMatchingModel | undefined;
for (const [i, iterations] of iters.entries()) {
  const fm = await flowMatching(field, toySampler(data, i), {
    objective: values.objective as FlowMatchingObjective,
    iterations,
    learningRate: lrs[i],
    batchSize: Number(values.batch),
    weightDecay: 0,
    evalEvery: 0,
    progress: false,
    seed: i,
  });
  model = fm.model;
}
if (!model) throw new Error('no stages');
const cpu = process.cpuUsage(cpu0);
const trainSeconds = (performance.now() - t0) / 1000;
const total = iters.reduce((a, b) => a + b, 0);
const t1 = performance.now();
const test = toyData(data, 1000, 2);
const { nll } = evaluate(model, test);
test.dispose();
const scoreSeconds = (performance.now() - t1) / 1000;
const entropy = toyEntropy(data);
console.log(
  `${data}, ${backend}: field ${hidden.join('-')} ${values.activation}, ${values.objective} batch ${values.batch}, ` +
    `stages ${iters.join('+')} at lr ${lrs.join(', ')}`,
);
console.log(
  `  ${((cpu.user + cpu.system) / 1000 / total).toFixed(1)} ms CPU per iteration; training ${trainSeconds.toFixed(1)} s wall, ` +
    `scoring ${scoreSeconds.toFixed(1)} s`,
);
console.log(
  `  exact held-out NLL ${nll.toFixed(3)} nats` +
    (entropy === undefined ? '' : ` (data entropy ${entropy.toFixed(3)}, gap ${(nll - entropy).toFixed(3)})`),
);
if (values.html) {
  const samples = model.sample(2000, 0);
  const ref = toyData(data, 2000, 1);
  writeHtml(values.html, [densityHeatmap(model, { n: 80 }), samplesVsData(samples, ref)]);
  samples.dispose();
  ref.dispose();
  console.log(`  wrote ${values.html}`);
}

/**
 * The discrete flows' conditioner networks (src/flows/mlp.ts): engine kernels and seconds per
 * training iteration (as `train` runs one: loss and gradients, the flat gradient and its norm, one
 * flat AdamW step) for RealNVP, Glow, MAF and the neural spline flows (coupling `nsf`,
 * autoregressive `nsf-ar`) on 8gaussians, the models of bench/flows.ts; and for one conditioner
 * alone. Kernels are counted with bench/lib/cost.ts over one iteration after a warm-up (and,
 * separately, those of the loss and its gradient alone: the optimizer's are the same before and
 * after); seconds per iteration are the mean over `--iters` iterations.
 *
 * `--root DIR` loads odeflow (and its tfjs) from another checkout, e.g. the main branch, to compare
 * before and after in separate processes on the same bench: run them alternately, the machine's
 * load moves timings by tens of percent.
 *
 * The VAE rows (`vae`: Gaussian posterior, `vae-iaf`: IAF K = 4; latent 2, as bench/vae.ts) train
 * on the binarised 8×8 digits, batch 100 whatever `--batch` says, with the same kind of step.
 *
 * Run: `npx tsx bench/conditioners.ts [--iters 200] [--batch 256] [--models realnvp,glow,maf,nsf,nsf-ar,vae,vae-iaf] [--root DIR]`.
 */
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { toyFlows } from './lib/toy-flows.js';

const { values } = parseArgs({
  options: {
    iters: { type: 'string', default: '200' },
    batch: { type: 'string', default: '256' },
    lr: { type: 'string', default: '5e-3' },
    models: { type: 'string', default: 'realnvp,glow,maf,nsf,nsf-ar,vae,vae-iaf' },
    root: { type: 'string' },
    backend: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help) {
  console.log(`usage: npx tsx bench/conditioners.ts [options]
  --iters N     timed training iterations per model (default 200)
  --batch N     batch size (default 256)
  --lr X        AdamW learning rate (default 5e-3, as bench/flows.ts)
  --models L    comma list of realnvp, glow, maf, nsf, nsf-ar, vae, vae-iaf (default all)
  --root DIR    load odeflow from this checkout (default: this one), for before/after comparisons
  --backend B   tfjs backend (default: as initBackend chooses)
Prints one line per model: kernels per iteration, the most frequent kernels, s/iteration, final loss.`);
  process.exit(0);
}

const root = resolve(values.root ?? new URL('..', import.meta.url).pathname);
const load = (rel: string) => import(pathToFileURL(resolve(root, rel)).href);
const { initBackend, tf } = await load('src/index.ts');
const { glow, maf, nsf, realNVP } = await load('src/flows/index.ts');
const { toySampler } = await load('src/data/index.ts');
const { countCost, kernelBreakdown } = await load('bench/lib/cost.ts');
const { Mlp } = await load('src/flows/mlp.ts');
const { Rng } = await load('src/data/rng.ts');
const { AdamW, flatten } = await load('src/train/adamw.ts');
const { lossAndGradients } = await load('src/train/loss-gradients.ts');
const { Vae } = await load('src/vae/index.ts');
const { binaryDigits } = await load('src/vae/data.ts');

interface Model {
  params: unknown[];
  trainLoss(x: unknown): { loss: unknown };
}

/** A VAE as a model `lossAndGradients` can train: its ELBO loss with a fresh draw per call. */
function vaeModel(posterior: string): Model {
  const vae = new Vae({ dataDim: 64, latent: 2, posterior, flowSteps: 4, seed: 0 });
  let draws = 0;
  return { params: [...vae.params], trainLoss: (x: unknown) => ({ loss: vae.trainLoss(x, ++draws) }) };
}

const MODELS: Record<string, () => Model> = {
  ...toyFlows<Model>({ realNVP, glow, maf, nsf }),
  vae: () => vaeModel('gaussian'),
  'vae-iaf': () => vaeModel('iaf'),
};

const backend = await initBackend(values.backend);
const iters = Number(values.iters);
const batch = Number(values.batch);
const toy = toySampler('8gaussians', 1);
const digits = binaryDigits({ test: 297, seed: 0 }).train;
const VAE_BATCH = 100;
/** Batch i of the binarised digits' training images (cycling). */
const digitBatch = (i: number) =>
  tf.tidy(() => {
    const n = digits.shape[0];
    const rows = Array.from({ length: VAE_BATCH }, (_, k) => (i * VAE_BATCH + k) % n);
    return tf.gather(digits, tf.tensor1d(rows, 'int32'));
  });
console.log(`root ${root}, backend ${backend}, batch ${batch}, ${iters} timed iterations, 8gaussians`);

// one conditioner alone, 2 → 48 → 48 → 4 (RealNVP's on 2-D data), with and without MADE-like masks:
// kernels and ms of Σ r ⊙ net(x) and its gradient w.r.t. x and all weights
for (const masked of [false, true]) {
  const widths = [2, 48, 48, 4];
  const masks = masked
    ? widths
        .slice(0, -1)
        .map((w: number, l: number) =>
          tf.keep(tf.round(tf.randomUniform([w, widths[l + 1]], 0, 1, 'float32', l))),
        )
    : undefined;
  const net = new Mlp({ inDim: 2, hidden: [48, 48], outDim: 4, seeds: new Rng(0), outInitStd: 0.5, masks });
  const x = tf.randomNormal([batch, 2], 0, 1, 'float32', 1);
  const r = tf.randomNormal([batch, 4], 0, 1, 'float32', 2);
  const once = () => {
    const g = tf.variableGrads(() => tf.sum(tf.mul(net.apply(tf.mul(x, 1)), r)), net.params);
    tf.dispose([g.value, ...Object.values(g.grads)]);
  };
  for (let k = 0; k < 20; k++) once();
  const c = countCost(once);
  const reps = 5 * iters;
  const t0 = performance.now();
  for (let k = 0; k < reps; k++) once();
  const ms = (performance.now() - t0) / reps;
  console.log(
    `conditioner 2-48-48-4${masked ? ' masked' : ''}: ${c.kernels} kernels, ${ms.toFixed(3)} ms (value + gradient) | ${kernelBreakdown(c, 10)}`,
  );
  tf.dispose([x, r, ...net.params, ...(masks ?? [])]);
}
for (const name of values.models.split(',')) {
  const make = MODELS[name];
  if (!make) throw new Error(`unknown model '${name}'; expected one of ${Object.keys(MODELS).join(', ')}`);
  const m = make();
  const draw = (n: number, i: number) => (name.startsWith('vae') ? digitBatch(i) : toy(n, i));
  const opt = new AdamW({ learningRate: Number(values.lr) });
  let it = 0;
  let last = Number.NaN;
  // one iteration as train() runs it (src/train/train.ts, synchronous path): loss and gradients,
  // the flat gradient, its norm, the loss read and one flat AdamW step
  const step = () => {
    const x = draw(batch, ++it);
    const { value, grads } = lossAndGradients(m, x, m.params);
    const flat = flatten(grads);
    tf.dispose(grads);
    const sq = tf.tidy(() => tf.sum(tf.square(flat)));
    last = value.dataSync()[0];
    sq.dataSync();
    opt.step(m.params, flat);
    tf.dispose([x, value, sq, flat]);
  };
  for (let k = 0; k < 5; k++) step(); // warm-up (kernels compiled, Adam slots made)
  const cost = countCost(step);
  // the loss and its gradient alone (what the conditioners change; the optimizer's step is the same)
  const xg = draw(batch, 0);
  const grad = countCost(() => {
    const r = tf.variableGrads(() => m.trainLoss(xg).loss, m.params);
    tf.dispose([r.value, ...Object.values(r.grads)]);
  });
  xg.dispose();
  const t0 = performance.now();
  for (let k = 0; k < iters; k++) step();
  const secs = (performance.now() - t0) / 1000 / iters;
  console.log(
    `${name.padEnd(7)} ${String(cost.kernels).padStart(5)} kernels/it (${String(grad.kernels).padStart(4)} loss+gradient)  ${(1000 * secs).toFixed(2)} ms/it  loss ${last.toFixed(5)} after ${it} its  | ${kernelBreakdown(cost, 10)}`,
  );
  opt.dispose();
  tf.dispose(m.params);
}
console.log(
  `load average (1, 5, 15 min): ${loadavg()
    .map((x) => x.toFixed(2))
    .join(', ')}`,
);

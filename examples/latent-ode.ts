/**
 * A latent ODE on irregularly sampled spirals (torchdiffeq's examples/latent_ode.py, with per-spiral
 * random observation times): a recurrent encoder over the reversed observations gives q(z0 | x),
 * z0 goes through a neural ODE to each spiral's own times (one solve per batch, per-sample time
 * points), a decoder maps back; trained on the ELBO. Afterwards the posterior-mean trajectory is
 * decoded on a dense grid: inside the observation window (interpolation) and beyond it
 * (extrapolation), and plotted against the clean spirals.
 *
 *   npx tsx examples/latent-ode.ts [--iters N] [--out latent-ode.html] [--help]
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { tf } from '../solvers/tf.js';
import { type IrregularSpirals, irregularSpirals } from '../src/data/irregular-spirals.js';
import { Rng } from '../src/data/rng.js';
import { LatentODE, type LatentODEOptions } from '../src/latent/latent-ode.js';
import type { Figure } from '../src/plot/figure.js';
import { writeHtml } from '../src/plot/html.js';

/** Options of {@link runLatentOde}; every field has a default. */
export interface LatentOdeRunOptions {
  /** Training iterations. Default 300. */
  iters?: number;
  /** Spirals per mini-batch. Default 32. */
  batchSize?: number;
  /** Training spirals. Default 256. */
  nTrain?: number;
  /** Held-out spirals (errors and plots). Default 16. */
  nTest?: number;
  /** Observations per spiral. Default 30. */
  nObs?: number;
  /** Adam learning rate. Default 0.01 (as torchdiffeq's example). */
  lr?: number;
  /** Evaluate every this many iterations. Default 50. */
  evalEvery?: number;
  /** Model options. */
  model?: LatentODEOptions;
  /** Write an HTML plot of interpolation and extrapolation here. Default: no file. */
  out?: string;
  /** Seed of data, weights and noise. Default 0. */
  seed?: number;
  /** Where progress lines go. Default console.log. */
  log?: (line: string) => void;
}

/** What {@link runLatentOde} returns. */
export interface LatentOdeRunResult {
  /** Iterations of the evaluations. */
  evalIters: number[];
  /** Held-out reconstruction MSE at the observation times (posterior mean z0), per evaluation. */
  reconMse: number[];
  /** Held-out MSE against the clean spirals inside the observation window, per evaluation. */
  interpMse: number[];
  /** Held-out MSE against the clean spirals beyond the observation window, per evaluation. */
  extrapMse: number[];
  /** −ELBO of every training iteration. */
  losses: number[];
  /** Interpolation/extrapolation figure of the last evaluation. */
  figure: Figure;
  /** Training seconds (evaluations excluded). */
  seconds: number;
}

const T_OBS = 3;
const T_END = 6;

function evaluate(model: LatentODE, test: IrregularSpirals) {
  return tf.tidy(() => {
    const obs = tf.tensor3d(test.obs);
    const rec = model.reconstruct(obs, test.times);
    const reconMse = tf.mean(tf.square(tf.sub(rec, obs))).dataSync()[0];
    const { mean } = model.encode(obs, tf.tensor2d(test.times));
    const path = model.decode(model.latentPath(mean, test.denseTimes)); // [nDense, B, 2]
    const pred = tf.transpose(path, [1, 0, 2]).arraySync() as number[][][];
    let si = 0;
    let ni = 0;
    let se = 0;
    let ne = 0;
    test.dense.forEach((curve, b) => {
      curve.forEach((p, j) => {
        const e = (pred[b][j][0] - p[0]) ** 2 + (pred[b][j][1] - p[1]) ** 2;
        if (test.denseTimes[j] <= T_OBS) {
          si += e / 2;
          ni++;
        } else {
          se += e / 2;
          ne++;
        }
      });
    });
    return { reconMse, interpMse: si / ni, extrapMse: se / ne, pred };
  });
}

function figure(test: IrregularSpirals, pred: number[][][], show: number): Figure {
  const data: Record<string, unknown>[] = [];
  const colors = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd'];
  for (let b = 0; b < show; b++) {
    const c = colors[b % colors.length];
    const inW = test.denseTimes.flatMap((t, j) => (t <= T_OBS ? [j] : []));
    const outW = test.denseTimes.flatMap((t, j) => (t >= T_OBS ? [j] : []));
    const xy = (idx: number[], pts: number[][]) => ({
      x: idx.map((j) => pts[j][0]),
      y: idx.map((j) => pts[j][1]),
    });
    const all = test.denseTimes.map((_, j) => j);
    data.push({
      type: 'scatter',
      mode: 'lines',
      ...xy(all, test.dense[b]),
      line: { color: '#bbbbbb', width: 1 },
      name: `spiral ${b}: truth`,
      showlegend: b === 0,
    });
    data.push({
      type: 'scatter',
      mode: 'markers',
      x: test.obs[b].map((p) => p[0]),
      y: test.obs[b].map((p) => p[1]),
      marker: { color: c, size: 5, opacity: 0.6 },
      name: 'observations',
      showlegend: b === 0,
    });
    data.push({
      type: 'scatter',
      mode: 'lines',
      ...xy(inW, pred[b]),
      line: { color: c, width: 2 },
      name: 'interpolation (t ≤ 3)',
      showlegend: b === 0,
    });
    data.push({
      type: 'scatter',
      mode: 'lines',
      ...xy(outW, pred[b]),
      line: { color: c, width: 2, dash: 'dash' },
      name: 'extrapolation (3 < t ≤ 6)',
      showlegend: b === 0,
    });
  }
  return {
    data,
    layout: {
      title: { text: 'latent ODE on irregularly sampled spirals: posterior-mean reconstruction' },
      xaxis: { title: { text: 'x' }, scaleanchor: 'y' },
      yaxis: { title: { text: 'y' } },
      width: 720,
      height: 620,
    },
  };
}

/** Trains a latent ODE on irregular spirals and measures interpolation and extrapolation. */
export function runLatentOde(opts: LatentOdeRunOptions = {}): LatentOdeRunResult {
  const iters = opts.iters ?? 300;
  const batch = opts.batchSize ?? 32;
  const nTrain = opts.nTrain ?? 256;
  const nTest = opts.nTest ?? 16;
  const evalEvery = opts.evalEvery ?? 50;
  const seed = opts.seed ?? 0;
  const log = opts.log ?? console.log;
  const common = { nObs: opts.nObs ?? 30, tObs: T_OBS, tEnd: T_END };
  const train = irregularSpirals({ ...common, n: nTrain, seed });
  const test = irregularSpirals({ ...common, n: nTest, seed: seed + 1000 });
  const model = new LatentODE({ ...opts.model, seed });
  const optimizer = tf.train.adam(opts.lr ?? 0.01);
  const rng = new Rng(seed + 7);
  const result: LatentOdeRunResult = {
    evalIters: [],
    reconMse: [],
    interpMse: [],
    extrapMse: [],
    losses: [],
    figure: { data: [] },
    seconds: 0,
  };
  const record = (it: number) => {
    const e = evaluate(model, test);
    result.evalIters.push(it);
    result.reconMse.push(e.reconMse);
    result.interpMse.push(e.interpMse);
    result.extrapMse.push(e.extrapMse);
    result.figure = figure(test, e.pred, Math.min(4, nTest));
    log(
      `iter ${it}: held-out recon MSE ${e.reconMse.toFixed(4)}, interpolation MSE ${e.interpMse.toFixed(4)}, extrapolation MSE ${e.extrapMse.toFixed(4)}`,
    );
  };
  try {
    record(0);
    for (let it = 1; it <= iters; it++) {
      const idx = Array.from({ length: batch }, () => rng.int(nTrain));
      const obs = tf.tensor3d(idx.map((i) => train.obs[i]));
      const times = idx.map((i) => train.times[i]);
      const eps = tf.randomNormal([batch, model.latentDim], 0, 1, 'float32', seed * 100_003 + it);
      const t0 = performance.now();
      let loss = 0;
      optimizer.minimize(
        () => {
          const r = model.elbo(obs, times, eps);
          loss = r.kl - r.logLik;
          return r.loss as tf.Scalar;
        },
        false,
        model.params,
      );
      result.seconds += (performance.now() - t0) / 1000;
      result.losses.push(loss);
      tf.dispose([obs, eps]);
      if (it % evalEvery === 0 || it === iters) record(it);
    }
    if (opts.out) writeHtml(opts.out, [result.figure], { title: 'odeflow latent ODE' });
    return result;
  } finally {
    optimizer.dispose();
    model.dispose();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({
    options: {
      iters: { type: 'string', default: '300' },
      out: { type: 'string', default: 'latent-ode.html' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log('usage: npx tsx examples/latent-ode.ts [--iters N (300)] [--out FILE (latent-ode.html)]');
    process.exit(0);
  }
  const { initBackend } = await import('../src/backend.js');
  console.log(`backend ${await initBackend()}`);
  const r = runLatentOde({ iters: Number(values.iters), out: values.out });
  console.log(`trained ${values.iters} iterations in ${r.seconds.toFixed(1)} s; wrote ${values.out}`);
}

/**
 * Learn the dynamics of a 2-D spiral from a sampled trajectory, as in torchdiffeq's ode_demo:
 * the truth is dy/dt = (y³)·A with A = [[-0.1, 2.0], [-2.0, -0.1]], y0 = [2, 0], t ∈ [0, 25]; the
 * model is dy/dt = MLP(y³) (2-50-2, tanh), trained on random mini-batches of short trajectory
 * segments, by backpropagation through the solver or by the adjoint method.
 *
 *   npx tsx examples/spiral.ts [--iters N] [--adjoint] [--out spiral.html] [--help]
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { odeintAdjoint } from '../solvers/adjoint.js';
import { odeint } from '../solvers/odeint.js';
import { odexSolve } from '../solvers/odex.js';
import { type Tensor, tf } from '../solvers/tf.js';
import type { MethodName, OdeModule } from '../solvers/types.js';
import { Rng } from '../src/data/rng.js';
import type { Figure } from '../src/plot/figure.js';
import { writeHtml } from '../src/plot/html.js';

/** Options of {@link runSpiral}; every field has a default. */
export interface SpiralOptions {
  /** Training iterations. Default 400. */
  iters?: number;
  /** Gradients by the adjoint method instead of backpropagation through the solver. Default false. */
  adjoint?: boolean;
  /** Write an HTML plot of true vs learned trajectories here. Default: no file. */
  out?: string;
  /** Samples of the true trajectory on [0, 25]. Default 1000. */
  dataSize?: number;
  /** Segments per mini-batch. Default 20. */
  batchSize?: number;
  /** Samples per segment. Default 10. */
  batchTime?: number;
  /** Hidden units of the MLP. Default 50. */
  hidden?: number;
  /** Adam learning rate at the start; it decays to 0 on a cosine schedule. Default 0.01. */
  lr?: number;
  /** Solver of the model ODE. Default 'rk4' (one step per sample interval). */
  method?: MethodName;
  /** Evaluate (and print) the losses every this many iterations. Default 50. */
  evalEvery?: number;
  /** Seed of the initial weights and the batches. Default 0. */
  seed?: number;
  /** Where progress lines go. Default console.log. */
  log?: (line: string) => void;
}

/** What {@link runSpiral} returns. */
export interface SpiralResult {
  /**
   * The training objective on every segment of the data (the full-batch version of the mini-batch
   * loss: mean |y_model − y_true| over all `batchTime`-sample segments, each solved from its true
   * start), at the iterations in `evalIters`.
   */
  losses: number[];
  /** Mean |y_model − y_true| over the whole trajectory solved from y0 (phase errors accumulate over t ∈ [0, 25]). */
  trajectoryLosses: number[];
  evalIters: number[];
  /** Mini-batch training loss of every iteration. */
  trainLosses: number[];
  /** Wall-clock seconds of the training loop. */
  seconds: number;
}

const A = [
  [-0.1, 2.0],
  [-2.0, -0.1],
];
const T_END = 25;

/** The true trajectory, by the float64 extrapolation solver: `dataSize` points on [0, 25]. */
function trueTrajectory(ts: number[]): number[][] {
  const f = (_t: number, y: number[]) => {
    const c = y.map((v) => v ** 3);
    return [c[0] * A[0][0] + c[1] * A[1][0], c[0] * A[0][1] + c[1] * A[1][1]];
  };
  return odexSolve(f, [2, 0], ts, { rtol: 1e-10, atol: 1e-10 }).ys;
}

/**
 * dy/dt = tanh(y³·W1 + b1)·W2 + b2, weights ~ N(0, 0.1²), biases 0 (as ode_demo's init). The
 * seeds are ≥ 1000: tfjs treats a seed of 0 as none and draws from Math.random.
 */
function spiralField(hidden: number, seed: number): OdeModule {
  const W1 = tf.tidy(() => tf.variable(tf.randomNormal([2, hidden], 0, 0.1, 'float32', 1000 + 2 * seed)));
  const b1 = tf.tidy(() => tf.variable(tf.zeros([hidden])));
  const W2 = tf.tidy(() => tf.variable(tf.randomNormal([hidden, 2], 0, 0.1, 'float32', 1001 + 2 * seed)));
  const b2 = tf.tidy(() => tf.variable(tf.zeros([2])));
  const f = (_t: number, y: Tensor): Tensor =>
    tf.add(tf.matMul(tf.tanh(tf.add(tf.matMul(tf.pow(y, 3), W1), b1)), W2), b2);
  return Object.assign(f, { params: [W1, b1, W2, b2] });
}

/**
 * Trains the spiral model and returns the loss history. Prints the whole-trajectory loss every
 * `evalEvery` iterations; with `out`, writes an HTML plot of the true and learned trajectories.
 */
export function runSpiral(options: SpiralOptions = {}): SpiralResult {
  const iters = options.iters ?? 400;
  const dataSize = options.dataSize ?? 1000;
  const batchSize = options.batchSize ?? 20;
  const batchTime = options.batchTime ?? 10;
  const evalEvery = options.evalEvery ?? 50;
  const method = options.method ?? 'rk4';
  const log = options.log ?? console.log;
  const seed = options.seed ?? 0;
  const rng = new Rng(`spiral-${seed}`);
  const ts = Array.from({ length: dataSize }, (_, i) => (T_END * i) / (dataSize - 1));
  const truth = trueTrajectory(ts);
  const trueY = tf.tensor2d(truth); // [dataSize, 2]
  const trueY0 = tf.tensor2d([[2, 0]]);
  const segmentTs = ts.slice(0, batchTime);
  const field = spiralField(options.hidden ?? 50, seed);
  const solve = (y0: Tensor, times: number[]) =>
    options.adjoint ? odeintAdjoint(field, y0, times, { method }) : odeint(field, y0, times, { method });
  const lr0 = options.lr ?? 0.01;
  const opt = tf.train.adam(lr0);

  /** The training objective on a batch of segments starting at `starts` (all segments for evaluation). */
  const segmentLoss = (starts: number[]) =>
    tf.tidy(() => {
      const idx = tf.tensor1d(starts, 'int32');
      const batchY0 = tf.gather(trueY, idx); // [B, 2]
      const offsets = tf.add(tf.reshape(tf.range(0, batchTime, 1, 'int32'), [batchTime, 1]), idx);
      const batchY = tf.gather(trueY, offsets); // [T, B, 2]
      return tf.mean(tf.abs(tf.sub(solve(batchY0, segmentTs), batchY))) as tf.Scalar;
    });
  const allStarts = Array.from({ length: dataSize - batchTime + 1 }, (_, i) => i);
  /** The whole trajectory from y0, as the model predicts it. */
  const predict = (): number[][] => {
    const pred = tf.tidy(() => tf.reshape(odeint(field, trueY0, ts, { method }), [dataSize, 2]));
    const out = pred.arraySync() as number[][];
    pred.dispose();
    return out;
  };
  const losses: number[] = [];
  const trajectoryLosses: number[] = [];
  const evalIters: number[] = [];
  const trainLosses: number[] = [];
  const record = (it: number) => {
    const loss = tf.tidy(() => segmentLoss(allStarts).dataSync()[0]);
    const pred = predict();
    let err = 0;
    for (let i = 0; i < dataSize; i++)
      err += Math.abs(pred[i][0] - truth[i][0]) + Math.abs(pred[i][1] - truth[i][1]);
    losses.push(loss);
    trajectoryLosses.push(err / (2 * dataSize));
    evalIters.push(it);
    log(
      `iter ${String(it).padStart(5)}  loss ${loss.toFixed(5)}  whole-trajectory error ${trajectoryLosses.at(-1)?.toFixed(4)}`,
    );
  };
  const start = performance.now();
  record(0);
  for (let it = 1; it <= iters; it++) {
    // cosine decay: large steps early, then settle (the whole-trajectory loss is phase-sensitive)
    // (tfjs types the field protected and offers no setter; AdamOptimizer reads it on every step)
    Reflect.set(opt, 'learningRate', 0.5 * lr0 * (1 + Math.cos((Math.PI * (it - 1)) / iters)));
    const starts = Array.from({ length: batchSize }, () => rng.int(dataSize - batchTime));
    const loss = opt.minimize(() => segmentLoss(starts), true, field.params as tf.Variable[]);
    trainLosses.push(loss?.dataSync()[0] ?? Number.NaN);
    loss?.dispose();
    if (it % evalEvery === 0 || it === iters) record(it);
  }
  const seconds = (performance.now() - start) / 1000;
  if (options.out) {
    const pred = predict();
    const figs: Figure[] = [
      {
        data: [
          { x: truth.map((p) => p[0]), y: truth.map((p) => p[1]), mode: 'lines', name: 'true' },
          { x: pred.map((p) => p[0]), y: pred.map((p) => p[1]), mode: 'lines', name: 'learned' },
        ],
        layout: {
          title: { text: 'Phase portrait' },
          xaxis: { title: { text: 'y₁' } },
          yaxis: { title: { text: 'y₂' } },
        },
      },
      {
        data: [0, 1].flatMap((k) => [
          { x: ts, y: truth.map((p) => p[k]), mode: 'lines', name: `true y${k + 1}` },
          {
            x: ts,
            y: pred.map((p) => p[k]),
            mode: 'lines',
            name: `learned y${k + 1}`,
            line: { dash: 'dash' },
          },
        ]),
        layout: { title: { text: 'Trajectories' }, xaxis: { title: { text: 't' } } },
      },
      {
        data: [
          { x: evalIters, y: losses, mode: 'lines+markers', name: 'objective on all segments' },
          { x: evalIters, y: trajectoryLosses, mode: 'lines+markers', name: 'whole-trajectory error' },
        ],
        layout: {
          title: { text: 'Loss (mean |error|)' },
          yaxis: { type: 'log' },
          xaxis: { title: { text: 'iteration' } },
        },
      },
    ];
    writeHtml(options.out, figs, {
      title: 'Spiral: learned vs true dynamics',
      notes: [
        `dy/dt = MLP(y³), ${iters} iterations, ${options.adjoint ? 'adjoint' : 'backprop'} gradients, ${method}; ` +
          `loss ${losses[0].toFixed(4)} → ${losses[losses.length - 1].toFixed(4)} in ${seconds.toFixed(1)} s.`,
      ],
    });
    log(`wrote ${options.out}`);
  }
  opt.dispose();
  tf.dispose([trueY, trueY0, ...field.params]);
  return { losses, trajectoryLosses, evalIters, trainLosses, seconds };
}

const HELP = `Learn a 2-D spiral's dynamics dy/dt = (y³)·A from a sampled trajectory (torchdiffeq's ode_demo).

usage: npx tsx examples/spiral.ts [options]
  --iters N        training iterations (default 400)
  --adjoint        gradients by the adjoint method (default: backprop through the solver)
  --method NAME    solver (default rk4)
  --lr X           Adam learning rate (default 0.01)
  --out FILE       write an HTML plot of true vs learned trajectories (default spiral.html)
  --backend NAME   wasm | cpu | tensorflow (default: initBackend's choice)
  --help           this text`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      iters: { type: 'string' },
      adjoint: { type: 'boolean' },
      method: { type: 'string' },
      lr: { type: 'string' },
      out: { type: 'string' },
      backend: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  const { initBackend } = await import('../src/backend.js');
  const backend = await initBackend(values.backend as Parameters<typeof initBackend>[0]);
  console.log(`backend ${backend}`);
  const r = runSpiral({
    iters: values.iters ? Number(values.iters) : undefined,
    adjoint: values.adjoint,
    method: values.method as MethodName | undefined,
    lr: values.lr ? Number(values.lr) : undefined,
    out: values.out ?? 'spiral.html',
  });
  console.log(
    `${r.seconds.toFixed(1)} s; loss fell ${(r.losses[0] / r.losses[r.losses.length - 1]).toFixed(1)}×`,
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
